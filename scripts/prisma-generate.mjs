// Runs `prisma generate` offline. The CLI wants to download its native schema engine first, but
// generation never uses it: pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips the
// download. Runs as the package's postinstall, so `npm ci` leaves a generated client behind.
// The CLI is a development dependency: an install without them (`npm ci --omit=dev`, beside a
// dist/ built elsewhere, as the container image does) has nothing to generate and skips it.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
let prismaCli;
try {
  prismaCli = require.resolve('prisma/build/index.js');
} catch {
  console.log(
    'prisma generate: skipped (the Prisma CLI, a development dependency, is not installed)',
  );
  process.exit(0);
}

const result = spawnSync(process.execPath, [prismaCli, 'generate'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    // The pothos generator is a bin of @pothos/plugin-prisma; npm adds .bin to PATH, node alone does not.
    PATH: [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
    PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    PRISMA_GENERATE_NO_HINTS: '1',
  },
});
process.exit(result.status ?? 1);

// Builds the web console (console/ → console/dist) with Vite. Runs as part of the package's
// postinstall, so `npm ci && npm start` serves /console with nothing else to do, and from
// `npm run build`. Vite is a development dependency: an install without them (the container's
// production stage, beside a console/dist built in its build stage) has nothing to build.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
let viteCli;
try {
  viteCli = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  console.log('console build: skipped (Vite, a development dependency, is not installed)');
  process.exit(0);
}
const result = spawnSync(
  process.execPath,
  [viteCli, 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);

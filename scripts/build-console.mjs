// Builds the web console (console/ → console/dist) with Vite. Runs as part of the package's
// postinstall, so `npm ci && npm start` serves /console with nothing else to do, and from
// `npm run build`. Vite is a development dependency: an install without them (the container's
// production stage, beside a console/dist built in its build stage) has nothing to build.
// Each text file is then stored compressed beside itself (brotli `.br`, gzip `.gz`), so that the
// server hands out the smaller copy a browser accepts without compressing on every request.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
let viteCli;
try {
  viteCli = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  console.log('console build: skipped (Vite, a development dependency, is not installed)');
  process.exit(0);
}
// Source maps for development builds only: a production build (NODE_ENV=production) has none,
// and the server never hands them out in production either (src/console.ts).
const sourceMaps = process.env.NODE_ENV === 'production' ? [] : ['--sourcemap'];
const result = spawnSync(
  process.execPath,
  [viteCli, 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn', ...sourceMaps],
  { cwd: root, stdio: 'inherit' },
);
if (result.status !== 0) process.exit(result.status ?? 1);

// Source maps (development builds only) are left uncompressed.
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json']);
const dist = join(root, 'console', 'dist');
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !COMPRESSIBLE.has(extname(entry.name))) continue;
  const path = join(entry.parentPath, entry.name);
  const body = readFileSync(path);
  const brotli = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  const gzip = gzipSync(body, { level: 9 });
  // A copy is kept only where it saves something; the server falls back to the file itself.
  if (brotli.length < body.length) writeFileSync(`${path}.br`, brotli);
  if (gzip.length < body.length) writeFileSync(`${path}.gz`, gzip);
}

import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// PGlite by default: every test file gets its own in-memory database. With TEST_DATABASE_URL the
// same suite runs on PostgreSQL, where all files share one database (tests.globalSetup resets it)
// and every test makes its own uniquely named data.
const postgres = process.env.TEST_DATABASE_URL;

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS and .mjs copies; Node loads the CommonJS one for our dependencies,
    // so the project's own files must get the same copy, or the schema's types are "from another realm".
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    setupFiles: ['tests/support/setup-file.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      TRUST_PROXY: 'true',
      SEED_DEMO: 'never',
      // Statements are counted (sqlStatements in src/db.ts): tests count them, never time them.
      DIAGNOSTICS: 'true',
      // The suite's guests all come from one address; tests/guest-throttle.test.ts sets its own.
      GUEST_REQUESTS_PER_MINUTE: '1000000',
      // The in-process server is reached as http://localhost (tests/support/api.ts).
      PUBLIC_URL: 'http://localhost',
      // The webhook tests' receivers listen on 127.0.0.2; every other internal address is refused.
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.2',
      ...(postgres ? { DATABASE_URL: postgres } : { DATA_DIR: 'memory://' }),
    },
  },
});

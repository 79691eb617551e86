import { defineConfig } from 'prisma/config';

// Only `prisma generate` reads this file: migrations run through the WebAssembly schema engine
// (src/tools/migrate.ts), and the runtime picks PGlite or PostgreSQL in src/db.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});

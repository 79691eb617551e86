import { afterAll, beforeAll } from 'vitest';
import { closeDatabase, databaseKind, driverAdapter } from '../../src/db.js';
import { applyMigrations } from '../../src/migrations.js';

// Each file on PGlite has a fresh in-memory database that needs the schema; on PostgreSQL the
// global setup already migrated the shared database.
beforeAll(async () => {
  if (databaseKind === 'pglite') await applyMigrations(driverAdapter);
});

afterAll(async () => {
  await closeDatabase();
});

import { afterAll, beforeAll } from 'vitest';
import { closeDatabase, databaseKind, migrateDatabase, openDatabase } from '../../src/db.js';

// Each file on PGlite has a fresh in-memory database that needs the schema; on PostgreSQL the
// global setup already migrated the shared database.
beforeAll(async () => {
  openDatabase();
  if (databaseKind === 'pglite') await migrateDatabase();
});

afterAll(async () => {
  await closeDatabase();
});

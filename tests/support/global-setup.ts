import pg from 'pg';

// On PostgreSQL the suite starts from an empty schema; migrations are then applied by the first
// test file (applying is idempotent and serialised by the schema engine's lock).
export default async function globalSetup() {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  } finally {
    await client.end();
  }
  process.env.DATABASE_URL = url;
  const { openDatabase, migrateDatabase, closeDatabase } = await import('../../src/db.js');
  openDatabase();
  await migrateDatabase();
  await closeDatabase();
}

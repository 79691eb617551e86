// `npm run db:migrate`: applies pending migrations to the configured database
// (DATABASE_URL, or the embedded database in DATA_DIR).
import {
  closeDatabase,
  databaseKind,
  databaseLocation,
  migrateDatabase,
  openDatabase,
} from '../db.js';

openDatabase();
try {
  const applied = await migrateDatabase();
  console.log(
    applied.length > 0
      ? `Applied ${applied.length} migration(s) to ${databaseKind} at ${databaseLocation()}: ${applied.join(', ')}`
      : `${databaseKind} at ${databaseLocation()} is up to date.`,
  );
} finally {
  await closeDatabase();
}

// `npm run seed`: loads (or restores) the demo network on the configured database.
import { config } from '../src/config.js';
import {
  closeDatabase,
  databaseKind,
  databaseLocation,
  migrateDatabase,
  openDatabase,
} from '../src/db.js';
import { NETWORK_ADMIN_EMAIL } from '../src/demo/demo-network.js';
import { seedDemoNetwork } from '../src/demo/seed.js';

openDatabase();
try {
  await migrateDatabase();
  const { agencies, users, reports, operations } = await seedDemoNetwork(config().DEMO_PASSWORD);
  console.log(
    `Seeded ${agencies} agencies, ${users} accounts, ${reports} new intelligence reports and ${operations} new joint operations into ${databaseKind} at ${databaseLocation()}.\n` +
      `Sign in as ${NETWORK_ADMIN_EMAIL} or <role>@<agency-slug>.demo with the password in DEMO_PASSWORD.`,
  );
} finally {
  await closeDatabase();
}

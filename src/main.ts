// `npm start`: checks the configuration, brings the database up to date, seeds the demo network
// into an empty embedded database, and serves GraphQL until SIGTERM or SIGINT.
import { ConfigError, loadConfig } from './config.js';

try {
  loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const { config } = await import('./config.js');
const { closeDatabase, databaseKind, databaseLocation, migrateDatabase } = await import('./db.js');
const { logger } = await import('./logger.js');
const { databaseIsEmpty, seedDemoNetwork } = await import('./demo/seed.js');
const { DEMO_ROLE_ACCOUNTS, NETWORK_ADMIN_EMAIL } = await import('./demo/demo-network.js');
const { buildApp } = await import('./server.js');
const { deleteExpiredSessions } = await import('./modules/auth/session.service.js');
const { placeWaitingEverywhere } = await import('./modules/forums/forum-event.service.js');
const { startForumMailer } = await import('./modules/forums/forum-mailer.js');
const { startWebhookDispatcher } = await import('./modules/webhooks/webhook-dispatcher.js');

const cfg = config();

async function prepareDatabase(): Promise<boolean> {
  const applied = await migrateDatabase();
  if (applied.length > 0) logger.info({ applied }, 'applied database migrations');
  const embedded = databaseKind === 'pglite';
  const seed =
    cfg.SEED_DEMO === 'always' ||
    (cfg.SEED_DEMO === 'auto' && embedded && (await databaseIsEmpty()));
  if (seed) {
    const summary = await seedDemoNetwork(cfg.DEMO_PASSWORD);
    logger.info(summary, 'seeded the demo network');
  }
  return seed || (embedded && cfg.SEED_DEMO !== 'never');
}

try {
  const showDemo = await prepareDatabase();
  // Expired sessions are refused anyway; removing them keeps the table small.
  const sweepSessions = () =>
    deleteExpiredSessions().then(
      (count) => count > 0 && logger.info({ count }, 'removed expired sessions'),
      (error) => logger.warn({ err: error }, 'could not remove expired sessions'),
    );
  await sweepSessions();
  setInterval(sweepSessions, 3_600_000).unref();

  const placed = await placeWaitingEverywhere();
  if (placed > 0) logger.info({ placed }, 'placed forum registrations left in line');
  const stopMailer = startForumMailer();
  logger.info(
    { smtp: stopMailer !== null },
    stopMailer
      ? 'forum messages are sent by e-mail'
      : 'SMTP_URL unset: forum messages stay in the outbox',
  );

  const stopWebhooks = startWebhookDispatcher();
  const app = buildApp();
  const { url } = await app.start();
  logger.info(
    { url, database: databaseKind, location: databaseLocation },
    'GBA IPNet is listening',
  );

  if (showDemo) {
    const passwordNote = process.env.DEMO_PASSWORD
      ? 'the DEMO_PASSWORD you set'
      : `"${cfg.DEMO_PASSWORD}"`;
    console.log(
      [
        '',
        `  GBA IPNet is running: open ${url} for GraphiQL.`,
        '',
        `  Demo accounts (password ${passwordNote}):`,
        `    ${NETWORK_ADMIN_EMAIL}   network administrator`,
        `    <role>@<agency>.demo   roles: ${DEMO_ROLE_ACCOUNTS.map((a) => a.localPart).join(', ')}`,
        '    agencies: gz-customs, sz-customs, hk-customs, mo-customs, my-customs, sg-ipos, …',
        '    for example analyst@hk-customs.demo',
        '',
      ].join('\n'),
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    try {
      stopMailer?.();
      stopWebhooks();
      await app.stop();
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, 'could not start');
  await closeDatabase().catch(() => {});
  process.exit(1);
}

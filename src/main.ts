// `npm start`: checks the configuration, brings the database up to date, seeds the demo network
// into an empty embedded database, and serves GraphQL until SIGTERM or SIGINT.
import { ConfigError, loadConfig } from './config.js';

// Signals are handled from the first line. Before the server listens, a stop ends start-up at
// the next step, with the database closed properly (a demo left half loaded is loaded again by
// the next start); once it listens, the server shuts down within its grace period.
let stopAsked: string | null = null;
let shutdown: ((signal: string) => Promise<void>) | null = null;
const onSignal = (signal: string) => {
  if (shutdown) void shutdown(signal);
  else stopAsked ??= signal;
};
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('SIGINT', () => onSignal('SIGINT'));

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
// Before the modules that make spans are loaded.
const { startTracing, stopTracing } = await import('./tracing.js');
await startTracing(config());
const { closeDatabase, databaseKind, databaseLocation, migrateDatabase, openDatabase } =
  await import('./db.js');
const { logger } = await import('./logger.js');
const {
  databaseIsEmpty,
  demoSeedUnfinished,
  StartInterrupted,
  seedDemoNetwork,
  seedEmptyDatabase,
} = await import('./demo/seed.js');
const { DEMO_ROLE_ACCOUNTS, NETWORK_ADMIN_EMAIL } = await import('./demo/demo-network.js');
const { buildApp } = await import('./server.js');
const { deleteExpiredSessions } = await import('./modules/auth/session.service.js');
const { placeWaitingEverywhere } = await import('./modules/forums/forum-event.service.js');
const { startForumMailer } = await import('./modules/forums/forum-mailer.js');
const { startWebhookDispatcher } = await import('./modules/webhooks/webhook-dispatcher.js');
const { deleteExpiredSignInSteps } = await import('./modules/auth/auth.service.js');
const { startGuestConfirmationSweep } = await import('./modules/forums/guest-confirmation.js');
const { startEmbeddedMaintenance } = await import('./embedded-maintenance.js');

const cfg = config();
const interrupted = () => stopAsked !== null;

function checkpoint(): void {
  if (interrupted()) throw new StartInterrupted();
}

async function prepareDatabase(): Promise<boolean> {
  openDatabase();
  const applied = await migrateDatabase();
  if (applied.length > 0) logger.info({ applied }, 'applied database migrations');
  checkpoint();
  const embedded = databaseKind === 'pglite';
  if (cfg.SEED_DEMO === 'always') {
    logger.info('seeding the demo network');
    logger.info(
      await seedDemoNetwork(cfg.DEMO_PASSWORD, { interrupted }),
      'seeded the demo network',
    );
    return true;
  }
  if (cfg.SEED_DEMO === 'auto' && embedded) {
    const unfinished = await demoSeedUnfinished();
    if (unfinished || (await databaseIsEmpty())) {
      logger.info(
        unfinished
          ? 'the last start was interrupted while loading the demo network: loading it again'
          : 'seeding the demo network',
      );
      const summary = await seedEmptyDatabase(cfg.DEMO_PASSWORD, { interrupted });
      logger.info(summary, 'seeded the demo network');
    }
  }
  return embedded && cfg.SEED_DEMO !== 'never';
}

try {
  const showDemo = await prepareDatabase();
  checkpoint();
  // Expired sessions (and sign-in challenges, reset links) are refused anyway; removing them
  // keeps the tables small.
  const sweepSessions = () =>
    Promise.all([deleteExpiredSessions(), deleteExpiredSignInSteps()]).then(
      ([count]) => count > 0 && logger.info({ count }, 'removed expired sessions'),
      (error) => logger.warn({ err: error }, 'could not remove expired sessions'),
    );
  await sweepSessions();
  setInterval(sweepSessions, 3_600_000).unref();

  // The embedded database has no autovacuum: its statistics are kept fresh here.
  const stopMaintenance = await startEmbeddedMaintenance();
  const placed = await placeWaitingEverywhere();
  if (placed > 0) logger.info({ placed }, 'placed forum registrations left in line');
  checkpoint();
  const stopMailer = startForumMailer();
  logger.info(
    { smtp: stopMailer !== null },
    stopMailer
      ? 'forum messages are sent by e-mail'
      : 'SMTP_URL unset: forum messages stay in the outbox',
  );

  const stopWebhooks = startWebhookDispatcher();
  const stopGuestSweep = startGuestConfirmationSweep();
  const app = buildApp();
  const { url } = await app.start();
  logger.info(
    { url, database: databaseKind, location: databaseLocation() },
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
  shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    // Whatever a dependency does (an unreachable Redis, a database that does not answer), the
    // process ends shortly after the grace period.
    setTimeout(() => {
      logger.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, cfg.SHUTDOWN_GRACE_MS + 2_000).unref();
    try {
      stopMailer?.();
      stopWebhooks();
      stopGuestSweep();
      stopMaintenance();
      await app.stop();
      await stopTracing();
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  if (stopAsked) void shutdown(stopAsked);
} catch (error) {
  if (error instanceof StartInterrupted) {
    logger.info({ signal: stopAsked }, 'start-up interrupted; the next start finishes it');
    await closeDatabase().catch(() => {});
    process.exit(0);
  }
  logger.fatal({ err: error }, 'could not start');
  await closeDatabase().catch(() => {});
  process.exit(1);
}

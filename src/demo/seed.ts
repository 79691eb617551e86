import { prisma } from '../db.js';
import { hashPassword } from '../modules/auth/password.js';
import { seedDemoForums } from './demo-forums.js';
import { seedDemoIntel } from './demo-intel.js';
import {
  DEMO_AGENCIES,
  DEMO_ROLE_ACCOUNTS,
  demoEmail,
  NETWORK_ADMIN_EMAIL,
  NETWORK_SLUG,
} from './demo-network.js';
import { seedDemoOperations } from './demo-operations.js';

// Loads the demo network: agencies and accounts in one transaction, then intelligence,
// operations and forums through the services, as people would. Safe to run again: agencies and
// accounts are matched by slug and e-mail and brought back to their demo state, and each later
// step is skipped when its data is there. Into an empty embedded database it is loaded under a
// DemoSeed record, so that a first start interrupted halfway is finished by the next one.

export interface SeedSummary {
  agencies: number;
  users: number;
  /** Demo intelligence reports written by this run (0 when they were already there). */
  reports: number;
  /** Demo joint operations written by this run (0 when they were already there). */
  operations: number;
  /** Demo forum events written by this run (0 when they were already there). */
  forums: number;
}

/** Start-up was asked to stop: it ends between two steps (of seeding too). */
export class StartInterrupted extends Error {
  constructor() {
    super('start-up interrupted; the next start finishes it');
  }
}

export interface SeedOptions {
  /** Checked between steps: true ends the seed with StartInterrupted. */
  interrupted?: () => boolean;
}

export async function seedDemoNetwork(
  password: string,
  options: SeedOptions = {},
): Promise<SeedSummary> {
  const step = () => {
    if (options.interrupted?.()) throw new StartInterrupted();
  };
  // One hash for every demo account: they share the demo password, and argon2 is slow on purpose.
  const passwordHash = await hashPassword(password);
  let users = 0;
  await prisma.$transaction(
    async (tx) => {
      for (const agency of DEMO_AGENCIES) {
        const data = { ...agency, namePt: agency.namePt ?? null };
        const saved = await tx.agency.upsert({
          where: { slug: agency.slug },
          create: data,
          update: data,
        });
        const accounts =
          agency.slug === NETWORK_SLUG
            ? [
                {
                  email: NETWORK_ADMIN_EMAIL,
                  roles: ['NETWORK_ADMIN' as const],
                  title: 'Network administrator',
                },
              ]
            : DEMO_ROLE_ACCOUNTS.map((a) => ({ ...a, email: demoEmail(a.localPart, agency.slug) }));
        for (const account of accounts) {
          const user = {
            displayName: `${account.title}, ${agency.nameEn}`,
            passwordHash,
            roles: account.roles,
            active: true,
            deactivatedAt: null,
            agencyId: saved.id,
          };
          await tx.user.upsert({
            where: { email: account.email },
            create: { email: account.email, ...user },
            update: user,
          });
          users += 1;
        }
      }
    },
    { timeout: 60_000 },
  );
  step();
  const reports = await seedDemoIntel();
  step();
  const operations = await seedDemoOperations();
  step();
  const forums = await seedDemoForums();
  return { agencies: DEMO_AGENCIES.length, users, reports, operations, forums };
}

export async function databaseIsEmpty(): Promise<boolean> {
  return (await prisma.agency.count()) === 0;
}

/** The demo was being loaded into an empty database and did not finish. */
export async function demoSeedUnfinished(): Promise<boolean> {
  const run = await prisma.demoSeed.findUnique({ where: { id: 1 } });
  return run !== null && run.completedAt === null;
}

/** Empties every table but the migrations' record: only for a database holding a partial demo. */
async function emptyDatabase(): Promise<void> {
  const tables = await prisma.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables
     WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`;
  if (tables.length === 0) return;
  const list = tables.map((t) => `"${t.tablename.replaceAll('"', '""')}"`).join(', ');
  await prisma.$executeRawUnsafe(`TRUNCATE TABLE ${list} RESTART IDENTITY CASCADE`);
}

/**
 * Loads the demo into an empty database, or finishes the load an interrupted start left: the
 * partial demo is emptied out and loaded again, all of it.
 */
export async function seedEmptyDatabase(
  password: string,
  options: SeedOptions = {},
): Promise<SeedSummary> {
  if (await demoSeedUnfinished()) await emptyDatabase();
  await prisma.demoSeed.create({ data: { id: 1 } });
  const summary = await seedDemoNetwork(password, options);
  await prisma.demoSeed.update({ where: { id: 1 }, data: { completedAt: new Date() } });
  return summary;
}

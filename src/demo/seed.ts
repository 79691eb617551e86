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

// Loads the demo network in one transaction (all or nothing). Safe to run again: agencies and
// accounts are matched by slug and e-mail and brought back to their demo state.

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

export async function seedDemoNetwork(password: string): Promise<SeedSummary> {
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
  const reports = await seedDemoIntel();
  const operations = await seedDemoOperations();
  const forums = await seedDemoForums();
  return { agencies: DEMO_AGENCIES.length, users, reports, operations, forums };
}

export async function databaseIsEmpty(): Promise<boolean> {
  return (await prisma.agency.count()) === 0;
}

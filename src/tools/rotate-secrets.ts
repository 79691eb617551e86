// `node dist/tools/rotate-secrets.js` (or `npm run secrets:rotate`): moves the database from one
// MATCH_SECRET to another. The secret keys two things, and both are redone in one transaction:
// - each observable's match hash (an HMAC of its type and value), recomputed from the stored value;
// - the secrets kept sealed under keys derived from it (src/sealed-secrets.ts): webhook signing
//   secrets, TOTP shared secrets and identity providers' client secrets, each opened under the
//   previous secret and sealed under the new one. Receivers, authenticators and providers see no
//   change.
//
//   PREVIOUS_MATCH_SECRET=<the old one> MATCH_SECRET=<the new one> node dist/tools/rotate-secrets.js
//
// Stop every instance first (an instance still on the old secret would hash new observables
// under it), run this once, then start them all with the new MATCH_SECRET. Running it again
// finds everything under the new secret and changes nothing; a previous secret that does not
// open what is stored is refused before anything is written.
import type { Tx } from '../db.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { fail, runOnDatabase, toolConfig } from './tool.js';

const cfg = toolConfig();
const previous = process.env.PREVIOUS_MATCH_SECRET ?? '';
const next = cfg.MATCH_SECRET;
if (!next) fail('Set MATCH_SECRET to the new secret (at least 32 random characters).');
if (previous.length === 0)
  fail('Set PREVIOUS_MATCH_SECRET to the secret the database was kept under.');
if (previous === next)
  fail('PREVIOUS_MATCH_SECRET and MATCH_SECRET are the same: nothing to rotate.');

const { prisma } = await import('../db.js');
const { observableHash } = await import('../modules/intel/observables.js');
const { Prisma } = await import('../generated/prisma/client.js');
const { sealSecret, tryOpenSecret } = await import('../sealed-secrets.js');
type SealedPurpose = import('../sealed-secrets.js').SealedPurpose;

const BATCH = 1000;
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

class WrongPreviousSecret extends Error {}

/** Re-hashes every observable, batch by batch in id order; counts those already under `next`. */
async function rehashObservables(tx: Tx): Promise<{ changed: number; already: number }> {
  let changed = 0;
  let already = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await tx.intelObservable.findMany({
      where: after ? { id: { gt: after } } : {},
      orderBy: { id: 'asc' },
      take: BATCH,
      select: { id: true, type: true, value: true, valueHash: true },
    });
    if (rows.length === 0) return { changed, already };
    after = rows.at(-1)?.id;
    const updates: PrismaTypes.Sql[] = [];
    for (const row of rows) {
      const rehashed = observableHash(row.type, row.value, next as string);
      if (sameBytes(row.valueHash, rehashed)) {
        already += 1;
        continue;
      }
      if (!sameBytes(row.valueHash, observableHash(row.type, row.value, previous))) {
        throw new WrongPreviousSecret(
          'PREVIOUS_MATCH_SECRET is not the secret the observables were stored under: nothing was changed.',
        );
      }
      updates.push(Prisma.sql`(${row.id}::uuid, ${rehashed}::bytea)`);
    }
    if (updates.length > 0) {
      // One statement per batch: a million observables take a thousand statements, not a million.
      changed += await tx.$executeRaw`
        UPDATE "IntelObservable" AS o SET "valueHash" = v.hash
        FROM (VALUES ${Prisma.join(updates)}) AS v(id, hash) WHERE o.id = v.id`;
    }
  }
}

/** Re-seals sealed values of one purpose; counts those that already open under `next`. */
async function reseal(
  rows: { id: string; sealed: string }[],
  purpose: SealedPurpose,
  write: (id: string, sealed: string) => Promise<unknown>,
): Promise<{ changed: number; already: number }> {
  let changed = 0;
  let already = 0;
  for (const row of rows) {
    const opened = tryOpenSecret(row.sealed, purpose, previous);
    if (opened === null) {
      if (tryOpenSecret(row.sealed, purpose, next as string) !== null) {
        already += 1;
        continue;
      }
      throw new WrongPreviousSecret(
        `PREVIOUS_MATCH_SECRET does not open the stored ${purpose}: nothing was changed.`,
      );
    }
    await write(row.id, sealSecret(opened, purpose, next as string));
    changed += 1;
  }
  return { changed, already };
}

/** Re-seals webhook secrets, TOTP secrets and providers' client secrets. */
async function resealSecrets(tx: Tx) {
  const endpoints = await tx.webhookEndpoint.findMany({ select: { id: true, secret: true } });
  const webhooks = await reseal(
    endpoints.map((e) => ({ id: e.id, sealed: e.secret })),
    'webhook-secrets',
    (id, secret) => tx.webhookEndpoint.update({ where: { id }, data: { secret } }),
  );
  const users = await tx.user.findMany({
    where: { totpSecret: { not: null } },
    select: { id: true, totpSecret: true },
  });
  const totp = await reseal(
    users.map((u) => ({ id: u.id, sealed: u.totpSecret as string })),
    'totp-secrets',
    (id, totpSecret) => tx.user.update({ where: { id }, data: { totpSecret } }),
  );
  const providers = await tx.identityProvider.findMany({
    where: { clientSecret: { not: null } },
    select: { id: true, clientSecret: true },
  });
  const clients = await reseal(
    providers.map((p) => ({ id: p.id, sealed: p.clientSecret as string })),
    'provider-secrets',
    (id, clientSecret) => tx.identityProvider.update({ where: { id }, data: { clientSecret } }),
  );
  return {
    changed: webhooks.changed + totp.changed + clients.changed,
    already: webhooks.already + totp.already + clients.already,
  };
}

await runOnDatabase(
  async () => {
    const { observables, sealed } = await prisma.$transaction(
      async (tx) => ({
        observables: await rehashObservables(tx),
        sealed: await resealSecrets(tx),
      }),
      { timeout: 30 * 60_000, maxWait: 60_000 },
    );
    return {
      ok: true,
      message:
        `Observables re-hashed: ${observables.changed} (already under the new secret: ${observables.already}). ` +
        `Sealed secrets (webhooks, authenticators, identity providers) re-sealed: ${sealed.changed} (already: ${sealed.already}). ` +
        'Start every instance with the new MATCH_SECRET.',
    };
  },
  (error) =>
    error instanceof WrongPreviousSecret
      ? error.message
      : `Rotation failed, nothing was changed: ${(error as Error).message}`,
);

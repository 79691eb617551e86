// `node dist/tools/rotate-secrets.js` (or `npm run secrets:rotate`): moves the database from one
// MATCH_SECRET to another. The secret keys two things, and both are redone in one transaction:
// - each observable's match hash (an HMAC of its type and value), recomputed from the stored value;
// - each webhook endpoint's signing secret, kept encrypted under a key derived from it, opened
//   under the previous secret and sealed under the new one. Receivers see no change.
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
const { openSecret, sealSecret } = await import('../modules/webhooks/webhook.crypto.js');

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

/** Re-seals every webhook endpoint's secret; counts those that already open under `next`. */
async function resealWebhookSecrets(tx: Tx): Promise<{ changed: number; already: number }> {
  let changed = 0;
  let already = 0;
  const endpoints = await tx.webhookEndpoint.findMany({ select: { id: true, secret: true } });
  for (const endpoint of endpoints) {
    const opened = tryOpen(endpoint.secret, previous);
    if (opened === null) {
      if (tryOpen(endpoint.secret, next as string) !== null) {
        already += 1;
        continue;
      }
      throw new WrongPreviousSecret(
        'PREVIOUS_MATCH_SECRET does not open the stored webhook secrets: nothing was changed.',
      );
    }
    await tx.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { secret: sealSecret(opened, next as string) },
    });
    changed += 1;
  }
  return { changed, already };
}

function tryOpen(stored: string, serverSecret: string): string | null {
  try {
    return openSecret(stored, serverSecret);
  } catch {
    return null;
  }
}

await runOnDatabase(
  async () => {
    const { observables, webhooks } = await prisma.$transaction(
      async (tx) => ({
        observables: await rehashObservables(tx),
        webhooks: await resealWebhookSecrets(tx),
      }),
      { timeout: 30 * 60_000, maxWait: 60_000 },
    );
    return {
      ok: true,
      message:
        `Observables re-hashed: ${observables.changed} (already under the new secret: ${observables.already}). ` +
        `Webhook secrets re-sealed: ${webhooks.changed} (already: ${webhooks.already}). ` +
        'Start every instance with the new MATCH_SECRET.',
    };
  },
  (error) =>
    error instanceof WrongPreviousSecret
      ? error.message
      : `Rotation failed, nothing was changed: ${(error as Error).message}`,
);

import DataLoader from 'dataloader';
import type { Context } from '../../context.js';
import type { Tx } from '../../db.js';
import { Prisma } from '../../generated/prisma/client.js';

// Rows by id for one request: the ids asked for in the same tick with the same selection are
// read with one statement, so a list's to-one field costs one statement for the whole page, not
// one per row. Each entity's access file passes the read with its own rule; this file knows no
// rule. Nothing is cached across ticks: a mutation reads what it has just written.

/** A Pothos selection for a Prisma model (`query`), or none. */
export interface Selection {
  select?: object;
  include?: object;
}

export function loadById<T extends { id: string }>(
  context: Context,
  entity: string,
  query: Selection,
  read: (ids: string[], query: Selection) => Promise<T[]>,
  id: string,
): Promise<T | null> {
  const key = `${entity}:${JSON.stringify(query)}`;
  let loader = context.memory.loaders.get(key) as DataLoader<string, T | null> | undefined;
  if (!loader) {
    // The rows are matched to the ids by their id, so a narrowed selection must include it.
    const withId: Selection = query.select ? { select: { ...query.select, id: true } } : query;
    loader = new DataLoader<string, T | null>(
      async (ids) => {
        const rows = await read([...new Set(ids)], withId);
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((each) => byId.get(each) ?? null);
      },
      { cache: false },
    );
    context.memory.loaders.set(key, loader);
  }
  return loader.load(id);
}

/**
 * The rows that belong to `key` (a parent's id), for one request: the keys asked for in the same
 * tick with the same selection are read with one statement, and `keyOf` sorts the rows back to
 * their parents in the order `read` returned them.
 */
export function loadGroup<T>(
  context: Context,
  entity: string,
  query: Selection,
  read: (keys: string[], query: Selection) => Promise<T[]>,
  keyOf: (row: T) => string,
  key: string,
): Promise<T[]> {
  const name = `${entity}[]:${JSON.stringify(query)}`;
  let loader = context.memory.loaders.get(name) as DataLoader<string, T[]> | undefined;
  if (!loader) {
    loader = new DataLoader<string, T[]>(
      async (keys) => {
        const rows = await read([...new Set(keys)], query);
        const groups = new Map<string, T[]>();
        for (const row of rows) {
          const group = groups.get(keyOf(row)) ?? [];
          group.push(row);
          groups.set(keyOf(row), group);
        }
        return keys.map((each) => groups.get(each) ?? []);
      },
      { cache: false },
    );
    context.memory.loaders.set(name, loader);
  }
  return loader.load(key);
}

/** The tables whose rows a change locks before it reads them with the viewer's rule. */
export type LockedTable =
  | 'IntelReport'
  | 'IntelAccessRequest'
  | 'Operation'
  | 'ForumEvent'
  | 'ApiCredential';

/**
 * Locks one row for the rest of the transaction (`FOR UPDATE`), so that concurrent changes of it
 * happen one after the other; the access face then reads it with its rule. Locking first and
 * reading after means the rule is checked against the row as it stands once the lock is held.
 * A row the viewer may not see is held only until their refusal ends the transaction.
 */
export async function lockRow(tx: Tx, table: LockedTable, id: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM ${Prisma.raw(`"${table}"`)} WHERE id = ${id}::uuid FOR UPDATE`;
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appliedMigrations } from '../src/db.js';
import {
  type AppliedMigration,
  pendingSchemaChanges,
  sqlFunctionChanges,
  upToDate,
} from '../src/migrations.js';
import { printPublishedSchema } from '../src/print-schema.js';
import { printTypedDocumentsEnv } from './support/print-graphql-env.js';

describe('published contracts', () => {
  it('schema/schema.graphql matches the schema the code builds (run npm run schema:print)', () => {
    const committed = readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printPublishedSchema());
  });

  it("tests/support/graphql-env.d.ts, the typed operations' schema, is current (run npm run schema:print)", () => {
    const committed = readFileSync(new URL('./support/graphql-env.d.ts', import.meta.url), 'utf8');
    expect(committed).toBe(printTypedDocumentsEnv());
  });

  it("console/src/graphql-env.d.ts, the console's typed operations' schema, is current (run npm run schema:print)", () => {
    const committed = readFileSync(
      new URL('../console/src/graphql-env.d.ts', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(printTypedDocumentsEnv());
  });

  it('prisma/schema.prisma and the migrations agree (run npm run db:migration -- <name>)', async () => {
    const pending = await pendingSchemaChanges();
    expect(pending.trim()).toBe('');
  });

  it('the latest migration defining each function of prisma/sql defines it as the file does', () => {
    expect(sqlFunctionChanges()).toEqual([]);
  });
});

describe('starting on a migrated database', () => {
  it('skips the schema engine only when every migration is recorded as applied, finished and unchanged', async () => {
    const rows = await appliedMigrations();
    expect(rows.length).toBeGreaterThan(10);
    expect(upToDate(rows)).toBe(true);
    const [first, ...rest] = rows as [AppliedMigration, ...AppliedMigration[]];
    expect(upToDate(rest), 'one not applied').toBe(false);
    expect(upToDate([{ ...first, checksum: '0'.repeat(64) }, ...rest]), 'one edited').toBe(false);
    expect(upToDate([{ ...first, finished: false }, ...rest]), 'one failed').toBe(false);
    expect(upToDate([{ ...first, rolledBack: true }, ...rest]), 'one rolled back').toBe(false);
    expect(
      upToDate([...rows, { ...first, name: '20991231000000_unknown' }]),
      'one the folder does not hold',
    ).toBe(false);
  });
});

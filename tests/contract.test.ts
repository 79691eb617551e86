import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pendingSchemaChanges } from '../src/migrations.js';
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

  it('prisma/schema.prisma and the migrations agree (run npm run db:migration -- <name>)', async () => {
    const pending = await pendingSchemaChanges();
    expect(pending.trim()).toBe('');
  });
});

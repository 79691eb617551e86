import { describe, expect, it } from 'vitest';
import { closeDatabase, databaseKind } from '../src/db.js';
import { gql, member, yoga } from './support/api.js';

// Unexpected failures reach the client as a bare message with an error id: no stack, no SQL.
// This file ends by closing its database, so it stays alone in its own file. Only the embedded
// database can be closed for good from inside the test: a PostgreSQL pool reconnects.

describe('unexpected errors', () => {
  it.runIf(databaseKind === 'pglite')(
    'are masked when the database fails, and /readyz reports it',
    async () => {
      const { token } = await member(['VIEWER']);
      const before = await gql('{ agencies(first: 1) { totalCount } }', {}, { token });
      expect(before.errors).toBeUndefined();

      await closeDatabase();

      const after = await gql('{ agencies(first: 1) { totalCount } }', {}, { token });
      expect(after.errors?.length).toBeGreaterThan(0);
      const text = JSON.stringify(after.errors);
      expect(after.errors?.[0]?.message).toMatch(
        /^Unexpected error\. Quote error id [0-9a-f-]{36}/,
      );
      expect(after.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(text).not.toMatch(/prisma|pglite|select|from "|stack|\.ts:\d+|at \w+ \(/i);

      const ready = await yoga.fetch('http://localhost/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', database: 'unreachable' });
    },
  );
});

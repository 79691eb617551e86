import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Instance, startInstance } from './support/instance.js';

// A server with TRUSTED_DOCUMENTS runs only the operations of its manifest.

const FLOOR = 'query Floor { __typename }';
const id = (text: string) => createHash('sha256').update(text).digest('hex');

describe('trusted documents', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ipnet-trusted-'));
  const manifest = join(folder, 'persisted-documents.json');
  let instance: Instance;

  beforeAll(async () => {
    writeFileSync(manifest, JSON.stringify({ [id(FLOOR)]: FLOOR }));
    instance = await startInstance({
      DATABASE_URL: '',
      DATA_DIR: 'memory://',
      TRUSTED_DOCUMENTS: manifest,
    });
  }, 60_000);

  afterAll(async () => {
    await instance?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const send = async (body: object) => {
    const response = await fetch(instance.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('runs a listed document by its id, in either way of naming it', async () => {
    expect((await send({ documentId: id(FLOOR) })).body).toEqual({ data: { __typename: 'Query' } });
    const apollo = await send({
      extensions: { persistedQuery: { version: 1, sha256Hash: id(FLOOR) } },
    });
    expect(apollo.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses any other operation with a code, and an unknown id with another', async () => {
    const arbitrary = await send({ query: '{ __schema { types { name } } }' });
    expect(arbitrary.status).toBe(400);
    expect(arbitrary.body.errors.map((e: any) => e.extensions?.code)).toEqual([
      'PERSISTED_QUERY_ONLY',
    ]);
    expect(arbitrary.body.data).toBeUndefined();
    const unknown = await send({ documentId: id('query Other { __typename }') });
    expect(unknown.body.errors.map((e: any) => e.extensions?.code)).toEqual([
      'PERSISTED_QUERY_NOT_FOUND',
    ]);
  });
});

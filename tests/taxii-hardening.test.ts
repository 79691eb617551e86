import { beforeAll, describe, expect, it } from 'vitest';
import { config } from '../src/config.js';
import { prisma } from '../src/db.js';
import { makeAgency, makeUser, tokenFor, unique, yoga } from './support/api.js';
import { publishedReport } from './support/intel.js';
import { type Credential, issueCredential, TAXII, TaxiiClient } from './support/taxii-client.js';

// What a TAXII client cannot make the server do: parameters the database cannot take are 400
// TAXII errors, `next` is read back only as the server wrote it (signed, and for the credential
// and collection it was written for), and failed credential attempts are throttled per client
// address as sign-ins are.

let admin = '';
let agencyId = '';
let credential: Credential;
let sibling: Credential;
let collections: { all: string; own: string } = { all: '', own: '' };

beforeAll(async () => {
  const agency = await makeAgency();
  agencyId = agency.id;
  admin = await tokenFor((await makeUser(agency.id, ['AGENCY_ADMIN', 'ANALYST'])).email);
  const analyst = await tokenFor((await makeUser(agency.id, ['ANALYST'])).email);
  for (let i = 0; i < 3; i += 1) {
    await publishedReport(analyst, { title: `${unique('hardening')} report`, tlp: 'GREEN' });
  }
  credential = await issueCredential(admin, 'AMBER', ['READ', 'IMPORT']);
  sibling = await issueCredential(admin, 'AMBER');
  const listed = await TaxiiClient.basic(credential).collections();
  const find = (title: string) => listed.find((c) => c.title === title)?.id ?? '';
  collections = {
    all: `/taxii2/api/collections/${find('All shared intelligence')}/`,
    own: `/taxii2/api/collections/${find(`Reports of ${agency.nameEn}`)}/`,
  };
  expect(collections.all).not.toBe(collections.own);
});

type TaxiiError = { title: string; description?: string; http_status: string };

async function expectTaxiiError(
  response: { status: number; headers: Headers; body: unknown },
  status: number,
) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get('content-type')).toBe(TAXII);
  const body = response.body as TaxiiError;
  expect(body.http_status).toBe(String(status));
  expect(body.title).toBeTruthy();
}

/** A `next` value as a forger would write it: the position's JSON, base64url. */
const forged = (position: unknown[]) => Buffer.from(JSON.stringify(position)).toString('base64url');

describe('parameters the database cannot take', () => {
  it('added_after before the year 1, or a day that does not exist, is a 400 TAXII error', async () => {
    const client = TaxiiClient.basic(credential);
    for (const value of [
      '0000-01-01T00:00:00Z',
      '0000-12-31T23:59:59.999Z',
      '2026-02-30T00:00:00Z',
      '2026-01-01T24:00:00Z',
    ]) {
      await expectTaxiiError(
        await client.get(`${collections.all}objects/`, { added_after: value }),
        400,
      );
      await expectTaxiiError(
        await client.get(`${collections.all}manifest/`, { added_after: value }),
        400,
      );
    }
    // The earliest time the database holds is still a time: everything was added after it.
    const early = await client.getOk<{ objects?: unknown[] }>(`${collections.all}objects/`, {
      added_after: '0001-01-01T00:00:00Z',
    });
    expect(early.body.objects?.length).toBeGreaterThan(0);
  });

  it('a next value the server did not write is a 400 TAXII error, however well formed', async () => {
    const client = TaxiiClient.basic(credential);
    const cases = [
      // A year before 1, and a key that is no id, in the shape the cursor once had.
      forged(['-000001-01-01T00:00:00.000Z', 1, agencyId, 0]),
      forged(['2026-01-01T00:00:00.000Z', 1, 'not-a-uuid', 0]),
      forged(['2026-01-01T00:00:00.000Z', 2, "x' OR 1=1 --", 0]),
      // The same, with a signature-shaped tail.
      `${forged(['2026-01-01T00:00:00.000Z', 1, 'not-a-uuid', 0])}.${'A'.repeat(43)}`,
    ];
    for (const next of cases) {
      await expectTaxiiError(await client.get(`${collections.all}objects/`, { next }), 400);
      await expectTaxiiError(await client.get(`${collections.all}manifest/`, { next }), 400);
    }
  });
});

describe('a next value', () => {
  async function firstNext(client: TaxiiClient, collection: string): Promise<string> {
    const page = await client.getOk<{ more?: boolean; next?: string }>(`${collection}objects/`, {
      limit: '1',
    });
    expect(page.body.more).toBe(true);
    return page.body.next as string;
  }

  it('goes on where its page ended, for the credential and collection it was written for only', async () => {
    const client = TaxiiClient.basic(credential);
    const next = await firstNext(client, collections.all);
    const second = await client.getOk<{ objects?: { id: string }[] }>(
      `${collections.all}objects/`,
      { limit: '1', next },
    );
    expect(second.body.objects).toHaveLength(1);

    // Another collection of the same credential.
    await expectTaxiiError(
      await client.get(`${collections.own}objects/`, { limit: '1', next }),
      400,
    );
    // Another credential of the same agency, on the same collection.
    await expectTaxiiError(
      await TaxiiClient.basic(sibling).get(`${collections.all}objects/`, { limit: '1', next }),
      400,
    );
    // The same value with its position changed and its signature kept.
    const [payload, mac] = next.split('.');
    const position = JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8'));
    const moved = forged([position[0], position[1], position[2], position[3] + 1]);
    await expectTaxiiError(
      await client.get(`${collections.all}objects/`, { limit: '1', next: `${moved}.${mac}` }),
      400,
    );
    // A value this credential wrote for this collection still reads, from the same place.
    const again = await client.getOk<{ objects?: { id: string }[] }>(`${collections.all}objects/`, {
      limit: '1',
      next,
    });
    expect(again.body.objects?.map((o) => o.id)).toEqual(second.body.objects?.map((o) => o.id));
  });
});

describe('failed credential attempts', () => {
  const LIMIT = config().SIGNIN_MAX_FAILURES_PER_ADDRESS;
  const LOCKOUT = config().SIGNIN_LOCKOUT_MINUTES * 60;
  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const taxii = (authorization: string | null, address: string) =>
    yoga.fetch('http://localhost/taxii2/api/collections/', {
      headers: {
        accept: TAXII,
        'x-forwarded-for': address,
        ...(authorization ? { authorization } : {}),
      },
    });
  const importDraft = (authorization: string, address: string, uuid: string) =>
    yoga.fetch('http://localhost/import/misp?dryRun=false', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': address,
        authorization,
      },
      body: JSON.stringify({
        Event: {
          uuid,
          info: 'From a throttled address',
          distribution: 0,
          Tag: [{ name: 'tlp:green' }],
          Attribute: [{ type: 'domain', value: `${unique('throttle')}.example` }],
        },
      }),
    });

  it('are counted per client address; past the limit a right credential from there gets 429 too', async () => {
    const address = unique('taxii-address');
    const elsewhere = unique('other-address');
    const fresh = await issueCredential(admin, 'AMBER', ['READ', 'IMPORT']);
    const wrong = [
      basic(fresh.username, 'a'.repeat(32)), // a wrong secret
      basic(crypto.randomUUID(), 'b'.repeat(32)), // an unknown id
      'Bearer not-a-credential', // malformed
      `Basic ${Buffer.from('no colon').toString('base64')}`,
      'Digest username="x"',
    ];
    // Asking without a credential is how a client learns to sign in: it is not an attempt.
    for (let i = 0; i < LIMIT + 2; i += 1) expect((await taxii(null, address)).status).toBe(401);

    for (let i = 0; i < LIMIT; i += 1) {
      const response = await taxii(wrong[i % wrong.length] as string, address);
      expect(response.status).toBe(401);
    }
    const refused = await taxii(basic(fresh.username, fresh.password), address);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe(TAXII);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(LOCKOUT - 60);
    expect(wait).toBeLessThanOrEqual(LOCKOUT);
    expect(await refused.json()).toMatchObject({ http_status: '429' });
    expect((await taxii(`Bearer ${fresh.token}`, address)).status).toBe(429);

    // The import endpoint shares the count: refused before anything is read or written.
    const uuid = crypto.randomUUID();
    const importRefused = await importDraft(`Bearer ${fresh.token}`, address, uuid);
    expect(importRefused.status).toBe(429);
    expect(Number(importRefused.headers.get('retry-after'))).toBeGreaterThan(LOCKOUT - 60);
    expect(
      await prisma.intelReport.count({ where: { authorAgencyId: agencyId, externalId: uuid } }),
    ).toBe(0);
    const row = await prisma.apiCredential.findUniqueOrThrow({ where: { id: fresh.id } });
    expect(row.lastUsedAt).toBeNull();

    // Another address is not held back, and the same credential works from it.
    expect((await taxii(basic(fresh.username, fresh.password), elsewhere)).status).toBe(200);
    const imported = await importDraft(`Bearer ${fresh.token}`, elsewhere, uuid);
    expect(imported.status).toBe(201);
    expect(
      await prisma.intelReport.count({ where: { authorAgencyId: agencyId, externalId: uuid } }),
    ).toBe(1);
  });

  it('on the import endpoint count towards the same limit', async () => {
    const address = unique('import-address');
    for (let i = 0; i < LIMIT; i += 1) {
      const response = await importDraft(
        basic(credential.username, 'c'.repeat(32)),
        address,
        crypto.randomUUID(),
      );
      expect(response.status).toBe(401);
    }
    const refused = await taxii(basic(credential.username, credential.password), address);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  errorCode,
  expectMember,
  globalId,
  gql,
  member,
  present,
  rawId,
  yoga,
} from './support/api.js';
import { openEvent } from './support/forums.js';
import { graphql } from './support/graphql.js';
import { type Instance, post, startInstance } from './support/instance.js';
import { reportInput } from './support/intel.js';
import { advance, invite, propose, recordResult, respond, seizure } from './support/operations.js';

// The details a newcomer trips over: each says exactly what it means.

describe('what the server says', () => {
  it('takes a DateTime only with its offset and on a real calendar day', async () => {
    const { token } = await member(['ANALYST']);
    const QUERY =
      'query($after: DateTime) { intelReports(first: 1, filter: { publishedAfter: $after }) { totalCount } }';
    for (const after of [
      '2026-01-01T00:00',
      '2026-02-30T00:00:00Z',
      '2026-11-26',
      '0999-01-01T00:00:00Z',
    ]) {
      const result = await gql(QUERY, { after }, { token });
      expect(
        result.errors?.map((e) => e.extensions?.code),
        after,
      ).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.message).toMatch(/\$after.*offset/s);
    }
    const inline = await gql(
      graphql(
        '{ intelReports(first: 1, filter: { publishedAfter: "2026-02-30T00:00:00Z" }) { totalCount } }',
      ),
      {},
      { token },
    );
    expect(inline.errors?.[0]?.message).toMatch(/offset, on a real calendar day/);
    for (const after of ['2026-01-01T00:00:00Z', '2026-01-01T08:00:00+08:00']) {
      const result = await gql(QUERY, { after }, { token });
      expect(result.errors, after).toBeUndefined();
    }
  });

  it('takes e-mail addresses, country, ISO 3166 and currency codes only as what they say', async () => {
    const { token, user } = await member(['ANALYST', 'ORGANIZER']);
    const eventId = await openEvent(token, { visibility: 'PUBLIC' });
    const REGISTER = `mutation($input: RegistrationInput!) {
      registerForEvent(input: $input) { __typename ... on RegisterForEventSuccess { registration { email country } } }
    }`;
    const asGuest = (guest: Record<string, string>) => ({
      input: {
        eventId,
        type: 'DELEGATE',
        idempotencyKey: randomUUID(),
        guest: {
          name: 'Ana Silva',
          organisation: 'INPI',
          email: 'ana@inpi.example',
          country: 'PT',
          ...guest,
        },
      },
    });
    const refusals: [Record<string, string>, RegExp][] = [
      [{ email: 'ana at inpi' }, /"input\.guest\.email".*EmailAddress must be/s],
      [{ email: `${'a'.repeat(250)}@inpi.example` }, /EmailAddress must be/],
      [{ country: 'ZZ' }, /"input\.guest\.country".*CountryCode must be an ISO 3166-1 alpha-2/s],
      [{ country: 'CN-GD' }, /CountryCode must be/],
      [{ country: 'Portugal' }, /CountryCode must be/],
    ];
    for (const [guest, message] of refusals) {
      const refused = await gql(REGISTER, asGuest(guest));
      expect(
        refused.errors?.map((e) => e.extensions?.code),
        JSON.stringify(guest),
      ).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors?.[0]?.message).toMatch(message);
    }
    expect(await prisma.forumRegistration.count({ where: { eventId: rawId(eventId) } })).toBe(0);
    // Accepted values are normalised: trimmed, e-mail lower case, codes upper case.
    const accepted = await gql(REGISTER, asGuest({ email: ' Ana@INPI.example ', country: 'pt' }));
    expect(accepted.data).toMatchObject({
      registerForEvent: { __typename: 'RegisterForEventSuccess' },
    });
    const stored = await prisma.forumRegistration.findFirst({ where: { eventId: rawId(eventId) } });
    expect(stored).toMatchObject({ email: 'ana@inpi.example', country: 'PT' });

    const FILTER =
      'query($c: Iso3166Code) { intelReports(first: 1, filter: { routeCountry: $c }) { totalCount } }';
    for (const code of ['CN-GD', 'hk', 'MY']) {
      expect((await gql(FILTER, { c: code }, { token })).errors, code).toBeUndefined();
    }
    for (const code of ['XX-99', 'CNGD', 'CN-', '']) {
      const refused = await gql(FILTER, { c: code }, { token });
      expect(errorCode(refused), code).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message).toMatch(/"\$c".*Iso3166Code must be an ISO 3166 code/s);
    }
    const literal = await gql(
      graphql('{ intelReports(first: 1, filter: { observedCountry: "Atlantis" }) { totalCount } }'),
      {},
      { token },
    );
    expect(errorCode(literal)).toBe('BAD_USER_INPUT');
    expect(literal.errors?.[0]?.message).toMatch(/Iso3166Code must be/);

    const CREATE = `mutation($input: IntelReportInput!) { createIntelReport(input: $input) { __typename } }`;
    const money = await gql(
      CREATE,
      { input: reportInput({ estimatedValue: { amount: '100', currency: 'Dollars' } }) },
      { token },
    );
    expect(errorCode(money)).toBe('BAD_USER_INPUT');
    expect(money.errors?.[0]?.message).toMatch(
      /"input\.estimatedValue\.currency".*Currency must be an ISO 4217/s,
    );
    expect(await prisma.intelReport.count({ where: { authorUserId: user.id } })).toBe(0);
  });

  it('refuses a query that asks too much with QUERY_TOO_COMPLEX', async () => {
    const { token } = await member(['ANALYST']);
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ');
    const deep =
      'me { agency { users(first: 1) { edges { node { agency { users(first: 1) { edges { node { agency { users(first: 1) { edges { node { id } } } } } } } } } } } } }';
    for (const query of [
      `{ ${aliases} }`,
      `{ ${deep} }`,
      '{ intelReports(first: 100000) { totalCount } }',
    ]) {
      const result = await gql(query, {}, { token });
      expect(
        result.errors?.map((e) => e.extensions?.code),
        query.slice(0, 40),
      ).toEqual(['QUERY_TOO_COMPLEX']);
      expect(result.errors?.[0]?.message).toMatch(/limit of \d+ exceeded/);
    }
  });

  it('takes the after-action report’s language as the Locale enum, and refuses an unknown one over HTTP', async () => {
    const lead = await member(['COORDINATOR', 'ANALYST']);
    const partner = await member(['COORDINATOR', 'ANALYST']);
    const op = await propose(lead.token);
    await invite(lead.token, op.id, [
      { agencyId: globalId('Agency', partner.agency.id), role: 'PARTICIPANT' },
    ]);
    await respond(partner.token, op.id, 'ACCEPT');
    for (const phase of ['PREPARATION', 'ACTION'] as const) await advance(lead.token, op.id, phase);
    await recordResult(lead.token, op.id, seizure());
    await advance(lead.token, op.id, 'EVALUATION');

    const free = await gql(
      graphql(
        'query($id: ID!) { operation(id: $id) { workspace { afterActionReport(locale: "xx") { locale } } } }',
      ),
      { id: op.id },
      { token: lead.token },
    );
    expect(free.errors?.[0]?.message).toMatch(/Locale/);
    const chosen = await gql(
      graphql(
        'query($id: ID!) { operation(id: $id) { workspace { afterActionReport(locale: ZH_HANT) { locale markdown } } } }',
      ),
      { id: op.id },
      { token: lead.token },
    );
    const report = present(chosen.data?.operation?.workspace?.afterActionReport, 'the report');
    expect(report.locale).toBe('zh-Hant');
    // The results table has its headings, in the reader's language.
    expect(report.markdown).toContain('| 單位 | 成果 | 內容 | 估計市值 | 地點及方式 |');

    const url = `http://localhost/operations/${encodeURIComponent(op.id)}/after-action.md`;
    const headers = { authorization: `Bearer ${lead.token}` };
    const english = await yoga.fetch(`${url}?locale=en`, { headers });
    expect(await english.text()).toContain(
      '| Agency | Result | What | Estimated value | Where and how |',
    );
    const unknown = await yoga.fetch(`${url}?locale=xx`, { headers });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('locale');
  });

  it('links a calendar event only to a place that answers: its online venue, if any', async () => {
    const { token } = await member(['ORGANIZER']);
    const inPerson = await openEvent(token, { visibility: 'PUBLIC' });
    const online = await openEvent(token, {
      visibility: 'PUBLIC',
      onlineUrl: 'https://meet.example.org/ip-forum',
    });
    const urlOf = async (eventId: string) => {
      const response = await yoga.fetch(
        `http://localhost/forum-events/${encodeURIComponent(eventId)}/calendar.ics`,
      );
      expect(response.status).toBe(200);
      const calendar = new ICAL.Component(ICAL.parse(await response.text()));
      const event = calendar.getAllSubcomponents('vevent')[0];
      return event?.getFirstPropertyValue('url') ?? null;
    };
    expect(await urlOf(inPerson)).toBeNull();
    expect(await urlOf(online)).toBe('https://meet.example.org/ip-forum');
  });
});

describe('the request log', () => {
  let server: Instance;
  // Its own embedded database, with the demo: nothing shared with the other test files.
  const dataDir = mkdtempSync(join(tmpdir(), 'ipnet-request-log-'));
  beforeAll(async () => {
    server = await startInstance({
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      SEED_DEMO: 'auto',
      DEMO_PASSWORD: 'newcomer-demo-password',
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the operation, the user and the agency, and keeps clients’ mistakes out of the errors', async () => {
    const signedIn = await post(
      server,
      graphql(`mutation SignIn($e: EmailAddress!, $p: String!) { signIn(email: $e, password: $p) {
        __typename ... on SignInSuccess { session { token user { id agency { id } } } } } }`),
      { e: 'analyst@hk-customs.demo', p: 'newcomer-demo-password' },
    );
    const { token, user } = expectMember(signedIn.data?.signIn, 'SignInSuccess').session;
    await post(server, graphql('query Mine { me { id } }'), {}, token);
    await post(server, graphql('{ agencies(first: 1) { totalCount } }'), {}, 'not.a-session');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const entries = server
      .output()
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const mine = entries.find((e) => e.msg === 'request' && e.operationName === 'Mine');
    expect(mine).toMatchObject({
      operationType: 'query',
      userId: Buffer.from(user.id, 'base64').toString().split(':')[1],
      agencyId: Buffer.from(user.agency.id, 'base64').toString().split(':')[1],
      status: 200,
    });
    expect(entries.some((e) => e.msg === 'request refused')).toBe(true);
    expect(entries.filter((e) => Number(e.level) >= 50)).toEqual([]);
  });
});

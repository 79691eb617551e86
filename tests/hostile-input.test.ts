import { describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import { globalId, gql, member, signIn } from './support/api.js';
import { eventInput } from './support/forums.js';

// Malformed input is the caller's mistake: every case answers BAD_USER_INPUT with a message that
// names the argument, never INTERNAL_SERVER_ERROR.

function expectBadInput(result: Awaited<ReturnType<typeof gql>>, argument: string) {
  expect(result.errors, JSON.stringify(result)).toHaveLength(1);
  const [error] = result.errors ?? [];
  expect(error?.extensions?.code, JSON.stringify(error)).toBe('BAD_USER_INPUT');
  expect(error?.message).toContain(argument);
}

describe('malformed input', () => {
  it('answers BAD_USER_INPUT naming the argument, for ids, cursors, page sizes and NUL bytes', async () => {
    const { token } = await member(['ANALYST']);
    const cases: [string, Record<string, unknown>, string][] = [
      ['query($id: ID!) { node(id: $id) { id } }', { id: '%%% not base64 %%%' }, 'id'],
      ['query($id: ID!) { node(id: $id) { id } }', { id: globalId('NoSuchType', 'x') }, 'id'],
      [
        'query($id: ID!) { intelReport(id: $id) { id } }',
        { id: globalId('Agency', '00000000-0000-4000-8000-000000000000') },
        'id',
      ],
      ['query($id: ID!) { intelReport(id: $id) { id } }', { id: 'bm90IGFuIGlk' }, 'id'],
      [
        'query($after: String) { intelReports(first: 5, after: $after) { totalCount } }',
        { after: 'garbage!!' },
        'after',
      ],
      ['query { intelReports(first: -5) { totalCount } }', {}, 'first'],
      ['query { agencies(first: -5) { totalCount } }', {}, 'first'],
      [
        'query($s: String) { intelReports(first: 5, filter: { search: $s }) { totalCount } }',
        { s: 'fake\u0000watch' },
        'search',
      ],
      [
        'query($s: String) { intelReports(first: 5, filter: { brand: $s }) { totalCount } }',
        { s: 'Rolex\u0000' },
        'brand',
      ],
    ];
    for (const [query, variables, argument] of cases) {
      expectBadInput(await gql(query, variables, { token }), argument);
    }
  });

  it('refuses a NUL byte in the sign-in e-mail as bad input', async () => {
    const result = await signIn('someone\u0000@example.test', 'whatever-password');
    expectBadInput(result, 'email');
  });

  it('answers BAD_USER_INPUT for variables that do not fit their type, lone surrogates and impossible years', async () => {
    const { token } = await member(['ANALYST', 'ORGANIZER']);
    const CREATE = `mutation($input: ForumEventInput!) { createForumEvent(input: $input) {
      __typename ... on Error { code } } }`;
    const cases: [string, Record<string, unknown>, string][] = [
      [
        'query($t: [Tlp!]) { intelReports(first: 5, filter: { tlp: $t }) { totalCount } }',
        { t: ['PURPLE'] },
        '$t',
      ],
      ['query($n: Int!) { intelReports(first: $n) { totalCount } }', { n: 'ten' }, '$n'],
      ['query($n: Int!) { intelReports(first: $n) { totalCount } }', { n: 2 ** 31 }, '$n'],
      [CREATE, { input: eventInput({ capacity: 2 ** 31 }) }, '$input'],
      [CREATE, { input: eventInput({ startsAt: '0000-01-01T00:00:00Z' }) }, '$input'],
      [CREATE, { input: eventInput({ nameEn: 'Forum \ud800 lone' }) }, 'nameEn'],
      [
        'query($s: String) { intelReports(first: 5, filter: { search: $s }) { totalCount } }',
        { s: 'x\udc00y' },
        'search',
      ],
    ];
    for (const [query, variables, argument] of cases) {
      expectBadInput(await gql(query, variables, { token }), argument);
    }
    expect(await prisma.forumEvent.count({ where: { nameEn: 'Forum \ud800 lone' } })).toBe(0);
  });
});

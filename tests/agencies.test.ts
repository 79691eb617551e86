import { describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import {
  errorCode,
  expectMember,
  globalId,
  gql,
  makeAgency,
  makeUser,
  member,
  present,
  tokenFor,
  unique,
} from './support/api.js';
import { graphql, type VariablesOf } from './support/graphql.js';

const AGENCIES = graphql(`
  query Agencies($first: Int, $after: String, $filter: AgencyFilter, $locale: Locale) {
    agencies(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id slug name(locale: $locale) jurisdiction regions kind } }
    }
  }
`);

const CREATE = graphql(`
  mutation Create($input: CreateAgencyInput!) {
    createAgency(input: $input) {
      __typename
      ... on CreateAgencySuccess { agency { id slug name names { en zhHans zhHant pt } regions } }
      ... on ValidationError { code issues { path message } }
      ... on Error { code message }
    }
  }
`);

type CreateAgencyInput = VariablesOf<typeof CREATE>['input'];

function agencyInput(overrides: Partial<CreateAgencyInput> = {}): CreateAgencyInput {
  const slug = unique('new');
  return {
    slug,
    nameEn: `Zhuhai Customs ${slug}`,
    nameZhHans: '拱北海关',
    nameZhHant: '拱北海關',
    kind: 'CUSTOMS',
    jurisdiction: 'cn-gd',
    regions: ['GREATER_BAY_AREA', 'PAN_PEARL_RIVER_DELTA'],
    ...overrides,
  };
}

async function networkAdmin() {
  return member(['NETWORK_ADMIN']);
}

describe('agencies', () => {
  it('needs a session', async () => {
    const result = await gql(AGENCIES, { first: 5 });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(result.data).toBeNull();
  });

  it('lists with filters on region, kind, jurisdiction and a search in any language', async () => {
    const tag = unique('flt');
    const { token } = await member(['VIEWER']);
    const hk = await makeAgency({
      nameEn: `HK ${tag}`,
      jurisdiction: 'HK',
      regions: ['GREATER_BAY_AREA'],
    });
    const gd = await makeAgency({
      nameEn: `GD ${tag}`,
      jurisdiction: 'CN-GD',
      regions: ['GREATER_BAY_AREA', 'PAN_PEARL_RIVER_DELTA'],
    });
    const my = await makeAgency({
      nameEn: `MY ${tag}`,
      jurisdiction: 'MY',
      regions: ['BELT_AND_ROAD'],
    });

    const slugs = async (filter: NonNullable<VariablesOf<typeof AGENCIES>['filter']>) => {
      const result = await gql(
        AGENCIES,
        { first: 50, filter: { search: tag, ...filter } },
        { token },
      );
      expect(result.errors).toBeUndefined();
      const list = present(result.data?.agencies, 'agencies');
      expect(list.totalCount).toBe(list.edges.length);
      return list.edges.map((e) => e.node.slug).sort();
    };

    expect(await slugs({ region: 'PAN_PEARL_RIVER_DELTA' })).toEqual([gd.slug]);
    expect(await slugs({ region: 'BELT_AND_ROAD' })).toEqual([my.slug]);
    expect(await slugs({ jurisdiction: 'cn' })).toEqual([gd.slug]);
    expect(await slugs({ jurisdiction: 'HK' })).toEqual([hk.slug]);
    expect(await slugs({ kind: 'POLICE' })).toEqual([]);

    // Chinese names are searchable too (every test agency is named 测试机构 <slug>).
    const chinese = await gql(
      AGENCIES,
      { first: 5, filter: { search: `测试机构 ${my.slug}` } },
      { token },
    );
    expect(chinese.data?.agencies.edges.map((e) => e.node.slug)).toEqual([my.slug]);
  });

  it('pages with cursors and a stable order, and counts the whole filtered set', async () => {
    const tag = unique('page');
    const { token } = await member(['VIEWER']);
    for (let i = 0; i < 5; i += 1) await makeAgency({ nameEn: `${tag} ${i}` });

    const first = await gql(AGENCIES, { first: 2, filter: { search: tag } }, { token });
    expect(first.data?.agencies.totalCount).toBe(5);
    expect(first.data?.agencies.pageInfo.hasNextPage).toBe(true);
    const seen = present(first.data, 'data').agencies.edges.map((e) => e.node.slug);
    let after = first.data?.agencies.pageInfo.endCursor;
    while (after) {
      const next = await gql(AGENCIES, { first: 2, after, filter: { search: tag } }, { token });
      for (const edge of next.data?.agencies.edges ?? []) seen.push(edge.node.slug);
      after = next.data?.agencies.pageInfo.hasNextPage
        ? next.data?.agencies.pageInfo.endCursor
        : null;
    }
    expect(new Set(seen).size).toBe(5);
    const names = (
      await prisma.agency.findMany({
        where: { slug: { in: seen } },
        orderBy: [{ nameEn: 'asc' }, { id: 'asc' }],
      })
    ).map((a) => a.slug);
    expect(seen).toEqual(names);
  });

  it('returns the name in the requested locale: argument, then user preference, then Accept-Language', async () => {
    const agency = await makeAgency();
    const id = globalId('Agency', agency.id);
    const q = graphql(
      'query($id: ID!, $locale: Locale) { node(id: $id) { __typename ... on Agency { name(locale: $locale) } } }',
    );

    const { token } = await member(['VIEWER']);
    const zhHK = { 'accept-language': 'zh-HK,zh;q=0.9,en;q=0.5' };
    expect(
      expectMember((await gql(q, { id }, { token, headers: zhHK })).data?.node, 'Agency').name,
    ).toBe(agency.nameZhHant);
    expect(
      expectMember(
        (await gql(q, { id }, { token, headers: { 'accept-language': 'zh-CN' } })).data?.node,
        'Agency',
      ).name,
    ).toBe(agency.nameZhHans);
    expect(
      expectMember(
        (await gql(q, { id, locale: 'EN' }, { token, headers: zhHK })).data?.node,
        'Agency',
      ).name,
    ).toBe(agency.nameEn);
    // Portuguese is optional and falls back to English.
    expect(
      expectMember((await gql(q, { id, locale: 'PT' }, { token })).data?.node, 'Agency').name,
    ).toBe(agency.nameEn);

    const home = await makeAgency();
    const user = await makeUser(home.id, ['VIEWER'], { locale: 'zh-Hans' });
    const prefers = await tokenFor(user.email);
    expect(
      expectMember((await gql(q, { id }, { token: prefers, headers: zhHK })).data?.node, 'Agency')
        .name,
    ).toBe(agency.nameZhHans);
  });

  it('node(id:) finds an agency for members and refuses anonymous callers', async () => {
    const agency = await makeAgency();
    const id = globalId('Agency', agency.id);
    const q = graphql('query($id: ID!) { node(id: $id) { id ... on Agency { slug } } }');
    const { token } = await member(['VIEWER']);
    expect((await gql(q, { id }, { token })).data?.node).toEqual({ id, slug: agency.slug });
    expect(errorCode(await gql(q, { id }))).toBe('UNAUTHENTICATED');
  });

  it('refuses a malformed id as bad input without touching the database', async () => {
    const { token } = await member(['VIEWER']);
    const q = 'query($id: ID!) { node(id: $id) { id } }';
    const result = await gql(q, { id: globalId('Agency', "1' OR '1'='1") }, { token });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(result.errors)).not.toMatch(/prisma|select|uuid/i);
  });
});

describe('createAgency and updateAgency', () => {
  it('network admins create an agency; codes are normalised', async () => {
    const { token } = await networkAdmin();
    const input = agencyInput({ namePt: 'Alfândega de Gongbei' });
    const result = await gql(CREATE, { input }, { token });
    const success = expectMember(result.data?.createAgency, 'CreateAgencySuccess');
    expect(success.agency.names).toEqual({
      en: input.nameEn,
      zhHans: '拱北海关',
      zhHant: '拱北海關',
      pt: 'Alfândega de Gongbei',
    });
    const row = await prisma.agency.findUniqueOrThrow({ where: { slug: input.slug } });
    expect(row.jurisdiction).toBe('CN-GD');
    expect(row.regions.sort()).toEqual(['GREATER_BAY_AREA', 'PAN_PEARL_RIVER_DELTA']);
  });

  it('is refused to anyone but a network admin, and writes nothing', async () => {
    const { token } = await member(['AGENCY_ADMIN', 'ANALYST']);
    const input = agencyInput();
    expect(errorCode(await gql(CREATE, { input }, { token }))).toBe('FORBIDDEN');
    expect(errorCode(await gql(CREATE, { input }))).toBe('UNAUTHENTICATED');
    expect(await prisma.agency.count({ where: { slug: input.slug } })).toBe(0);
  });

  it('explains every bad field at once and writes nothing', async () => {
    const { token } = await networkAdmin();
    const input = agencyInput({ slug: 'Not A Slug!', regions: [], nameZhHant: '  ' });
    const result = await gql(CREATE, { input }, { token });
    const error = expectMember(result.data?.createAgency, 'ValidationError');
    expect(error.code).toBe('BAD_USER_INPUT');
    const byField = Object.fromEntries(error.issues.map((i) => [i.path.at(-1), i.message]));
    expect(Object.keys(byField).sort()).toEqual(['nameZhHant', 'regions', 'slug']);
    // A code that is no ISO 3166 code is refused by its scalar, before anything runs.
    for (const jurisdiction of ['XX-99', 'CN_GD', 'China']) {
      const refused = await gql(CREATE, { input: { ...input, jurisdiction } }, { token });
      expect(errorCode(refused), jurisdiction).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message).toMatch(/"\$input".*"input\.jurisdiction".*ISO 3166/s);
    }
    expect(await prisma.agency.count({ where: { nameEn: input.nameEn } })).toBe(0);
  });

  it('answers ConflictError for a slug already in use', async () => {
    const { token } = await networkAdmin();
    const existing = await makeAgency();
    const result = await gql(CREATE, { input: agencyInput({ slug: existing.slug }) }, { token });
    const error = expectMember(result.data?.createAgency, 'ConflictError');
    expect(error.message).toContain(existing.slug);
    expect(await prisma.agency.count({ where: { slug: existing.slug } })).toBe(1);
  });

  it('updates only the given fields; namePt can be cleared', async () => {
    const { token } = await networkAdmin();
    const agency = await prisma.agency.update({
      where: { id: (await makeAgency()).id },
      data: { namePt: 'Nome antigo' },
    });
    const UPDATE = graphql(`mutation($id: ID!, $input: UpdateAgencyInput!) {
      updateAgency(id: $id, input: $input) {
        __typename ... on UpdateAgencySuccess { agency { regions names { en pt } } } ... on Error { code }
      }
    }`);
    const id = globalId('Agency', agency.id);
    const result = await gql(
      UPDATE,
      { id, input: { regions: ['BELT_AND_ROAD'], namePt: null } },
      { token },
    );
    const success = expectMember(result.data?.updateAgency, 'UpdateAgencySuccess');
    expect(success.agency).toEqual({
      regions: ['BELT_AND_ROAD'],
      names: { en: agency.nameEn, pt: null },
    });
    const row = await prisma.agency.findUniqueOrThrow({ where: { id: agency.id } });
    expect(row.nameZhHans).toBe(agency.nameZhHans);

    const missing = globalId('Agency', '00000000-0000-4000-8000-000000000000');
    const notFound = await gql(UPDATE, { id: missing, input: { nameEn: 'x' } }, { token });
    expect(expectMember(notFound.data?.updateAgency, 'NotFoundError').code).toBe('NOT_FOUND');
  });
});

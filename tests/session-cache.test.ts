import { describe, expect, it } from 'vitest';
import { sqlStatements } from '../src/db.js';
import {
  expectType,
  globalId,
  gql,
  makeAgency,
  makeUser,
  member,
  tokenFor,
} from './support/api.js';
import { graphql } from './support/graphql.js';
import { publishedReport, reportInput } from './support/intel.js';

// A validated session is remembered by the process for a few seconds (SESSION_CACHE_MS), and
// everything that ends a session or changes what its viewer holds is seen by the very next
// request. The revocation tests in auth, users and alerts run on the cache too; these add what
// only the cache could get wrong.

const ME = graphql('{ me { id } }');

async function statementsOf(run: () => Promise<unknown>): Promise<number> {
  const before = sqlStatements.count;
  await run();
  return sqlStatements.count - before;
}

describe('the session cache', () => {
  it('looks a session up once, then answers from memory', async () => {
    const { token } = await member(['VIEWER']);
    const first = await statementsOf(() => gql(ME, {}, { token }));
    const second = await statementsOf(() => gql(ME, {}, { token }));
    // The first request reads the session and then the user; the next, nothing.
    expect(first).toBe(2);
    expect(second).toBe(0);
    // `me`'s own columns come from the row kept with the session; a relation is read from the
    // database (the user, then its agency).
    expect(
      await statementsOf(() => gql(graphql('{ me { id email displayName } }'), {}, { token })),
    ).toBe(0);
    expect(await statementsOf(() => gql(graphql('{ me { agency { id } } }'), {}, { token }))).toBe(
      2,
    );
    // A wrong secret for a remembered session id is refused, and not from memory.
    const [id] = token.split('.');
    const forged = await gql(ME, {}, { token: `${id}.${'b'.repeat(32)}` });
    expect(forged.data?.me).toBeNull();
  });

  it('sees a role taken away at the next request', async () => {
    const admin = await member(['AGENCY_ADMIN']);
    const analyst = await makeUser(admin.agency.id, ['ANALYST']);
    const token = await tokenFor(analyst.email);
    const CREATE = graphql(
      `mutation($input: IntelReportInput!) { createIntelReport(input: $input) { __typename } }`,
    );
    const before = await gql(CREATE, { input: reportInput() }, { token });
    expect(before.data?.createIntelReport.__typename).toBe('CreateIntelReportSuccess');

    const changed = await gql(
      graphql(`mutation($id: ID!) { setUserRoles(userId: $id, roles: [VIEWER]) { __typename } }`),
      { id: globalId('User', analyst.id) },
      { token: admin.token },
    );
    expect(changed.data?.setUserRoles.__typename).toBe('SetUserRolesSuccess');
    const after = await gql(CREATE, { input: reportInput() }, { token });
    expect(after.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('sees a new locale, name and agency regions at the next request', async () => {
    const { token, agency } = await member(['ANALYST'], { regions: ['GREATER_BAY_AREA'] });
    const NAME = graphql('{ me { agency { name } } }');
    expect((await gql(NAME, {}, { token })).data?.me?.agency.name).toBe(agency.nameEn);
    const profile = await gql(
      graphql('mutation { updateProfile(input: { locale: ZH_HANT }) { __typename } }'),
      {},
      { token },
    );
    expectType(profile.data?.updateProfile, 'UpdateProfileSuccess');
    expect((await gql(NAME, {}, { token })).data?.me?.agency.name).toBe(agency.nameZhHant);
    const renamed = await gql(
      graphql('mutation { updateProfile(input: { displayName: "Chan Siu Ming" }) { __typename } }'),
      {},
      { token },
    );
    expectType(renamed.data?.updateProfile, 'UpdateProfileSuccess');
    expect(
      (await gql(graphql('{ me { displayName } }'), {}, { token })).data?.me?.displayName,
    ).toBe('Chan Siu Ming');

    // A report for the Belt and Road region only, from another agency.
    const author = await member(['ANALYST'], { regions: ['BELT_AND_ROAD'] });
    const reportId = await publishedReport(author.token, {
      audience: { scope: 'REGIONS', regions: ['BELT_AND_ROAD'] },
    });
    const READ = graphql('query($id: ID!) { node(id: $id) { id } }');
    expect((await gql(READ, { id: reportId }, { token })).data?.node).toBeNull();
    const networkAdmin = await member(['NETWORK_ADMIN']);
    const moved = await gql(
      graphql(
        `mutation($id: ID!) { updateAgency(id: $id, input: { regions: [GREATER_BAY_AREA, BELT_AND_ROAD] }) { __typename } }`,
      ),
      { id: globalId('Agency', agency.id) },
      { token: networkAdmin.token },
    );
    expect(moved.data?.updateAgency.__typename).toBe('UpdateAgencySuccess');
    expect((await gql(READ, { id: reportId }, { token })).data?.node).toEqual({ id: reportId });
  });

  it('forgets a session signed out elsewhere, and one whose password changed', async () => {
    const agency = await makeAgency();
    const user = await makeUser(agency.id, ['VIEWER']);
    const phone = await tokenFor(user.email);
    const laptop = await tokenFor(user.email);
    expect((await gql(ME, {}, { token: phone })).data?.me).not.toBeNull();
    const changed = await gql(
      graphql(
        `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { __typename } }`,
      ),
      { c: 'correct horse battery staple', n: 'a brand new long password' },
      { token: laptop },
    );
    expect(changed.data?.changePassword.__typename).toBe('ChangePasswordSuccess');
    expect((await gql(ME, {}, { token: phone })).data?.me).toBeNull();
    expect((await gql(ME, {}, { token: laptop })).data?.me).not.toBeNull();
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import type { Role } from '../src/generated/prisma/enums.js';
import {
  errorCode,
  expectMember,
  globalId,
  gql,
  makeAgency,
  makeUser,
  send,
  tokenFor,
  unique,
  yoga,
} from './support/api.js';
import { graphql } from './support/graphql.js';
import { publishedReport } from './support/intel.js';
import { type Credential, issueCredential, TaxiiClient } from './support/taxii-client.js';

// A credential acts with no more than the current rights of the admin who holds it: READ while
// that person is active, IMPORT while they may write reports. Deactivating the holder ends it at
// once; an admin hands it to another admin of the agency first to keep a partner's tool working.

const DEACTIVATE = graphql(`
  mutation Deactivate($userId: ID!) { deactivateUser(userId: $userId) {
    __typename ... on Error { code message } } }
`);
const SET_ROLES = graphql(`
  mutation SetRoles($userId: ID!, $roles: [Role!]!) { setUserRoles(userId: $userId, roles: $roles) {
    __typename ... on Error { code message } } }
`);
const TRANSFER = graphql(`
  mutation Transfer($id: ID!, $toUserId: ID!) { transferApiCredential(id: $id, toUserId: $toUserId) {
    __typename
    ... on TransferApiCredentialSuccess { credential { id createdBy { id } } }
    ... on ValidationError { issues { path message } }
    ... on Error { code message } } }
`);
const ISSUE = graphql(`
  mutation IssueChecked($input: IssueApiCredentialInput!) { issueApiCredential(input: $input) {
    __typename
    ... on ValidationError { issues { path message } }
    ... on Error { code message } } }
`);
const IMPORT_MISP = graphql(`
  mutation ImportAsPerson($document: JSON!, $dryRun: Boolean) {
    importMispEvent(document: $document, dryRun: $dryRun) { __typename } }
`);

let agencyId = '';
let otherAgencyId = '';
let admin = ''; // an admin of the agency who deactivates, demotes and hands over
let otherAdmin = '';

async function person(agency: string, roles: Role[]) {
  const user = await makeUser(agency, roles);
  return { id: user.id, globalId: globalId('User', user.id), token: await tokenFor(user.email) };
}

beforeAll(async () => {
  const agency = await makeAgency();
  const other = await makeAgency();
  agencyId = agency.id;
  otherAgencyId = other.id;
  admin = (await person(agency.id, ['AGENCY_ADMIN', 'ANALYST'])).token;
  otherAdmin = (await person(other.id, ['AGENCY_ADMIN', 'ANALYST'])).token;
  const analyst = await person(agency.id, ['ANALYST']);
  await publishedReport(analyst.token, { title: `${unique('issuer')} report`, tlp: 'GREEN' });
});

function mispEvent(uuid: string) {
  return {
    Event: {
      uuid,
      info: 'From a partner tool',
      distribution: 0,
      Tag: [{ name: 'tlp:green' }],
      Attribute: [{ type: 'domain', value: `${unique('issuer')}.example` }],
    },
  };
}

/** POST /import/misp with the credential: the status, and the drafts the event left behind. */
async function importWith(credential: Credential) {
  const uuid = crypto.randomUUID();
  const response = await yoga.fetch('http://localhost/import/misp?dryRun=false', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': unique('tool'),
      authorization: `Bearer ${credential.token}`,
    },
    body: JSON.stringify(mispEvent(uuid)),
  });
  const drafts = await prisma.intelReport.findMany({
    where: { authorAgencyId: agencyId, externalId: uuid },
    select: { authorUserId: true, status: true },
  });
  return { status: response.status, drafts };
}

async function pullStatus(credential: Credential): Promise<number> {
  return (await TaxiiClient.basic(credential).get('/taxii2/api/collections/')).status;
}

const holderOf = async (credential: Credential) =>
  (await prisma.apiCredential.findUniqueOrThrow({ where: { id: credential.id } })).createdById;

describe('a credential and its holder', () => {
  it('ends at once when its holder is deactivated: no pull, no draft in their name', async () => {
    const issuer = await person(agencyId, ['AGENCY_ADMIN', 'ANALYST']);
    const credential = await issueCredential(issuer.token, 'AMBER', ['READ', 'IMPORT']);
    expect(await pullStatus(credential)).toBe(200);
    const before = await importWith(credential);
    expect(before.status).toBe(201);
    expect(before.drafts).toEqual([{ authorUserId: issuer.id, status: 'DRAFT' }]);

    const deactivated = await send(admin, DEACTIVATE, { userId: issuer.globalId });
    expectMember(deactivated.deactivateUser, 'DeactivateUserSuccess');

    expect(await pullStatus(credential)).toBe(401);
    const after = await importWith(credential);
    expect(after.status).toBe(401);
    expect(after.drafts).toEqual([]);
    // The credential is not recorded as revoked: it is its holder who may no longer act.
    const row = await prisma.apiCredential.findUniqueOrThrow({ where: { id: credential.id } });
    expect(row.revokedAt).toBeNull();
  });

  it('imports no more once its holder may not write reports, and reads while they are active', async () => {
    const issuer = await person(agencyId, ['AGENCY_ADMIN', 'ANALYST']);
    const both = await issueCredential(issuer.token, 'AMBER', ['READ', 'IMPORT']);
    const importOnly = await issueCredential(issuer.token, 'AMBER', ['IMPORT']);
    expect((await importWith(both)).status).toBe(201);

    const demoted = await send(admin, SET_ROLES, { userId: issuer.globalId, roles: ['VIEWER'] });
    expectMember(demoted.setUserRoles, 'SetUserRolesSuccess');
    // GraphQL refuses the person…
    const asPerson = await gql(
      IMPORT_MISP,
      { document: mispEvent(crypto.randomUUID()), dryRun: false },
      { token: issuer.token },
    );
    expect(errorCode(asPerson)).toBe('FORBIDDEN');
    // …and so does the credential they hold, for each of its scopes they no longer have.
    for (const credential of [both, importOnly]) {
      const refused = await importWith(credential);
      expect(refused.status).toBe(403);
      expect(refused.drafts).toEqual([]);
    }
    expect(await pullStatus(both)).toBe(200);

    // Their rights back, the credential has its scopes back.
    await send(admin, SET_ROLES, { userId: issuer.globalId, roles: ['AGENCY_ADMIN', 'ANALYST'] });
    expect((await importWith(importOnly)).status).toBe(201);
  });

  it('is issued with IMPORT only by an admin who may write reports', async () => {
    const issuer = await person(agencyId, ['AGENCY_ADMIN']);
    const name = unique('import feed');
    const refused = await send(issuer.token, ISSUE, {
      input: { name, scopes: ['READ', 'IMPORT'], tlpCeiling: 'GREEN' },
    });
    const { issues } = expectMember(refused.issueApiCredential, 'ValidationError');
    expect(issues.map((i) => i.path)).toEqual([['input', 'scopes']]);
    expect(await prisma.apiCredential.count({ where: { agencyId, name } })).toBe(0);
    // READ needs no more than an active account.
    const reader = await issueCredential(issuer.token, 'GREEN', ['READ']);
    expect(await pullStatus(reader)).toBe(200);
  });
});

describe('transferApiCredential', () => {
  it('hands a credential to another admin, who holds it from then on: it outlives its issuer', async () => {
    const issuer = await person(agencyId, ['AGENCY_ADMIN', 'ANALYST']);
    const successor = await person(agencyId, ['AGENCY_ADMIN', 'ANALYST']);
    const credential = await issueCredential(issuer.token, 'AMBER', ['READ', 'IMPORT']);
    const handed = await send(admin, TRANSFER, {
      id: globalId('ApiCredential', credential.id),
      toUserId: successor.globalId,
    });
    const { credential: moved } = expectMember(
      handed.transferApiCredential,
      'TransferApiCredentialSuccess',
    );
    expect(moved.createdBy?.id).toBe(successor.globalId);
    expect(await holderOf(credential)).toBe(successor.id);

    await send(admin, DEACTIVATE, { userId: issuer.globalId });
    expect(await pullStatus(credential)).toBe(200);
    const imported = await importWith(credential);
    expect(imported.status).toBe(201);
    expect(imported.drafts).toEqual([{ authorUserId: successor.id, status: 'DRAFT' }]);
  });

  it('refuses a new holder without the rights, and leaves the credential where it was', async () => {
    const issuer = await person(agencyId, ['AGENCY_ADMIN', 'ANALYST']);
    const importing = await issueCredential(issuer.token, 'AMBER', ['READ', 'IMPORT']);
    const reading = await issueCredential(issuer.token, 'AMBER', ['READ']);
    const analyst = await person(agencyId, ['ANALYST']);
    const adminOnly = await person(agencyId, ['AGENCY_ADMIN']);
    const gone = await person(agencyId, ['AGENCY_ADMIN', 'ANALYST']);
    await send(admin, DEACTIVATE, { userId: gone.globalId });

    for (const [credential, to] of [
      [importing, analyst], // not an admin
      [importing, adminOnly], // may not write reports, which IMPORT does
      [importing, gone], // deactivated
      [reading, analyst],
    ] as const) {
      const result = await send(admin, TRANSFER, {
        id: globalId('ApiCredential', credential.id),
        toUserId: to.globalId,
      });
      const { issues } = expectMember(result.transferApiCredential, 'ValidationError');
      expect(issues.map((i) => i.path)).toEqual([['toUserId']]);
      expect(await holderOf(credential)).toBe(issuer.id);
    }
    // Reading needs no more than an active admin.
    const read = await send(admin, TRANSFER, {
      id: globalId('ApiCredential', reading.id),
      toUserId: adminOnly.globalId,
    });
    expectMember(read.transferApiCredential, 'TransferApiCredentialSuccess');
    expect(await holderOf(reading)).toBe(adminOnly.id);
  });

  it("is NotFound for another agency's credential or person, and refused to non-admins", async () => {
    const issuer = await person(agencyId, ['AGENCY_ADMIN', 'ANALYST']);
    const credential = await issueCredential(issuer.token, 'AMBER', ['READ']);
    const foreigner = await person(otherAgencyId, ['AGENCY_ADMIN', 'ANALYST']);
    const colleague = await person(agencyId, ['AGENCY_ADMIN', 'ANALYST']);

    const toForeigner = await send(admin, TRANSFER, {
      id: globalId('ApiCredential', credential.id),
      toUserId: foreigner.globalId,
    });
    expect(toForeigner.transferApiCredential).toMatchObject({ __typename: 'NotFoundError' });
    const byForeigner = await send(otherAdmin, TRANSFER, {
      id: globalId('ApiCredential', credential.id),
      toUserId: foreigner.globalId,
    });
    expect(byForeigner.transferApiCredential).toMatchObject({ __typename: 'NotFoundError' });
    const analyst = await person(agencyId, ['ANALYST']);
    const byAnalyst = await gql(
      TRANSFER,
      { id: globalId('ApiCredential', credential.id), toUserId: colleague.globalId },
      { token: analyst.token },
    );
    expect(errorCode(byAnalyst)).toBe('FORBIDDEN');
    expect(await holderOf(credential)).toBe(issuer.id);

    // A revoked credential stays revoked: there is nothing to hand over.
    const REVOKE = graphql(`mutation RevokeForTransfer($id: ID!) { revokeApiCredential(id: $id) {
      __typename } }`);
    await send(admin, REVOKE, { id: globalId('ApiCredential', credential.id) });
    const revoked = await send(admin, TRANSFER, {
      id: globalId('ApiCredential', credential.id),
      toUserId: colleague.globalId,
    });
    const { issues } = expectMember(revoked.transferApiCredential, 'ValidationError');
    expect(issues.map((i) => i.path)).toEqual([['id']]);
    expect(await holderOf(credential)).toBe(issuer.id);
  });
});

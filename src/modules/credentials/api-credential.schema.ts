import { z } from 'zod';
import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { ApiCredential } from '../../generated/prisma/client.js';
import { ApiScope } from '../../generated/prisma/enums.js';
import { TlpEnum } from '../intel/intel.schema.js';
import { visibleUser } from '../users/user.access.js';
import { UserRef } from '../users/user.schema.js';
import { apiCredentialVisibilityWhere } from './api-credential.access.js';
import {
  CEILINGS,
  issueApiCredential,
  MAX_CREDENTIALS_PER_AGENCY,
  revokeApiCredential,
  transferApiCredential,
} from './api-credential.service.js';

// API credentials for partner tools: issued by an agency admin (the secret is shown once),
// listed with their last use, and revoked. See docs/interoperability.md.

const ApiScopeEnum = builder.enumType(ApiScope, {
  name: 'ApiScope',
  description: 'READ: pull over TAXII 2.1 and the STIX export. IMPORT: bring intelligence in.',
});

export const ApiCredentialRef = builder.prismaNode('ApiCredential', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { role: 'AGENCY_ADMIN' },
  findUnique: (id, context) => ({ id, AND: [apiCredentialVisibilityWhere(context.viewer)] }),
  description:
    "A partner tool's sign-in for your agency (MISP, OpenCTI, a script). It acts for the agency with read-only rights up to its TLP ceiling. Agency admins only.",
  fields: (t) => ({
    name: t.exposeString('name'),
    scopes: t.expose('scopes', { type: [ApiScopeEnum] }),
    tlpCeiling: t.expose('tlpCeiling', {
      type: TlpEnum,
      description: 'The highest marking it receives; AMBER+STRICT and RED never leave this way.',
    }),
    createdBy: t.prismaField({
      type: 'User',
      nullable: true,
      description:
        'Who holds it: the admin who issued it, or to whom it was handed since (`transferApiCredential`). It acts with no more than their current rights and ends when their account is deactivated; what it reads and imports is in their name, with the credential.',
      select: { createdById: true },
      resolve: (query, credential, _args, context) =>
        visibleUser(context, credential.createdById, query),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Its last use, to the minute.',
    }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    revokedBy: t.prismaField({
      type: 'User',
      nullable: true,
      select: { revokedById: true },
      resolve: (query, credential, _args, context) =>
        credential.revokedById ? visibleUser(context, credential.revokedById, query) : null,
    }),
  }),
});

const IssuedApiCredential = builder
  .objectRef<{ credential: ApiCredential; token: string; secret: string }>('IssuedApiCredential')
  .implement({
    fields: (t) => ({
      credential: t.field({ type: ApiCredentialRef, resolve: (issued) => issued.credential }),
      token: t.string({
        description:
          'The Bearer token (`ipnet_<id>.<secret>`). Shown this once: store it in the partner tool now.',
        resolve: (issued) => issued.token,
      }),
      username: t.string({
        description: 'For HTTP Basic (TAXII clients): the user name, the credential id.',
        resolve: (issued) => issued.credential.id,
      }),
      password: t.string({
        description: 'For HTTP Basic: the password, the secret. Shown this once.',
        resolve: (issued) => issued.secret,
      }),
    }),
  });

const ApiCredentialCeilingEnum = builder.enumType('ApiCredentialCeiling', {
  description: 'The markings a credential may be given as its ceiling.',
  values: CEILINGS,
});

const IssueApiCredentialInput = builder.inputType('IssueApiCredentialInput', {
  fields: (t) => ({
    name: t.string({
      description: 'What it is for, e.g. "OpenCTI feed"; unique in your agency.',
      validate: z
        .string()
        .trim()
        .min(1, { error: 'is required' })
        .max(100, { error: 'must be at most 100 characters long' }),
    }),
    scopes: t.field({
      type: [ApiScopeEnum],
      validate: z.array(z.string()).min(1, { error: 'choose at least one scope' }),
    }),
    tlpCeiling: t.field({ type: ApiCredentialCeilingEnum }),
  }),
});

builder.queryField('apiCredentials', (t) =>
  t.prismaField({
    type: ['ApiCredential'],
    authScopes: { role: 'AGENCY_ADMIN' },
    description: "Your agency's API credentials, newest first, revoked ones included.",
    resolve: (query, _parent, _args, context) =>
      prisma.apiCredential.findMany({
        ...query,
        where: apiCredentialVisibilityWhere(context.viewer),
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      }),
  }),
);

builder.mutationField('issueApiCredential', (t) =>
  t.field({
    type: IssuedApiCredential,
    authScopes: { role: 'AGENCY_ADMIN' },
    description: `Issues a credential for a partner tool of your agency. Answers with its secret, once. At most ${MAX_CREDENTIALS_PER_AGENCY} in use per agency.`,
    errors: { types: [ConflictError, ValidationError], dataField: { name: 'issued' } },
    args: { input: t.arg({ type: IssueApiCredentialInput }) },
    resolve: (_parent, { input }, context) =>
      issueApiCredential(signedInViewer(context), {
        name: input.name.trim(),
        scopes: input.scopes,
        tlpCeiling: input.tlpCeiling,
      }),
  }),
);

builder.mutationField('revokeApiCredential', (t) =>
  t.field({
    type: ApiCredentialRef,
    authScopes: { role: 'AGENCY_ADMIN' },
    description: 'Ends the credential at once, on every instance. Its record stays.',
    errors: { types: [NotFoundError], dataField: { name: 'credential' } },
    args: { id: t.arg.globalID({ for: ApiCredentialRef }) },
    resolve: (_parent, { id }, context) => revokeApiCredential(signedInViewer(context), id.id),
  }),
);

builder.mutationField('transferApiCredential', (t) =>
  t.field({
    type: ApiCredentialRef,
    authScopes: { role: 'AGENCY_ADMIN' },
    description:
      'Hands a credential of your agency to another of its admins, who holds it from now on (it acts with their rights, in their name). Do it before deactivating its holder: a credential ends with its holder. The new holder needs the ANALYST role for an IMPORT scope.',
    errors: { types: [NotFoundError, ValidationError], dataField: { name: 'credential' } },
    args: {
      id: t.arg.globalID({ for: ApiCredentialRef }),
      toUserId: t.arg.globalID({ for: UserRef }),
    },
    resolve: async (_parent, { id, toUserId }, context) => {
      const { credential, fromUserId } = await transferApiCredential(
        signedInViewer(context),
        id.id,
        toUserId.id,
      );
      context.log.info(
        { credentialId: credential.id, fromUserId, toUserId: credential.createdById },
        'API credential handed over',
      );
      return credential;
    },
  }),
);

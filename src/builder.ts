import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { GraphQLError } from 'graphql';
import { JSONResolver } from 'graphql-scalars';
import type { Context } from './context.js';
import { prisma } from './db.js';
import { ValidationError } from './errors.js';
import type PrismaTypes from './generated/pothos-types.js';
import { getDatamodel } from './generated/pothos-types.js';
import type { Role } from './generated/prisma/enums.js';
import { isUuid } from './input-guard.js';
import { hasRole, isNetworkAdmin } from './modules/auth/roles.js';
import { ReadStep } from './read-step.js';
import { countryCode, currency, dateTime, emailAddress, iso3166Code } from './scalars.js';

// The one SchemaBuilder. Plugins and generics only: types live in src/modules/*.

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export interface AuthScopes {
  signedIn: boolean;
  networkAdmin: boolean;
  /** Holds the role (network admins hold every role). */
  role: Role;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: AuthScopes;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    EmailAddress: { Input: string; Output: string };
    CountryCode: { Input: string; Output: string };
    Iso3166Code: { Input: string; Output: string };
    Currency: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string | number };
  };
}>({
  // The read step is the innermost wrapper of a field: it runs once authorization has passed.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, ValidationPlugin, PrismaPlugin, RelayPlugin, ReadStep],
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      signedIn: context.viewer !== null,
      networkAdmin: isNetworkAdmin(context.viewer),
      role: (role) => hasRole(context.viewer, role),
    }),
    // Anonymous callers learn they must sign in; signed-in ones that they may not.
    unauthorizedError: (_parent, context) =>
      context.viewer
        ? new GraphQLError('You do not have permission to do this.', {
            extensions: { code: 'FORBIDDEN' },
          })
        : new GraphQLError('Sign in first: this needs a valid session.', {
            extensions: { code: 'UNAUTHENTICATED' },
          }),
  },
  errors: {
    defaultTypes: [ValidationError],
    // Input validation failures come back as the ValidationError member of the result union,
    // like any other expected failure. They are checked before auth scopes, but reveal nothing:
    // the rules are static and published in the schema.
    unsafelyHandleInputErrors: true,
    defaultUnionOptions: { name: ({ fieldName }) => `${pascal(fieldName)}Result` },
    defaultResultOptions: { name: ({ fieldName }) => `${pascal(fieldName)}Success` },
  },
  validation: {
    validationError: (result) =>
      new ValidationError(
        result.issues.map((issue) => ({
          path: (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)),
          message: issue.message,
        })),
      ),
  },
  prisma: {
    client: prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: { nullable: true },
    nodesQueryOptions: false,
    // Every exposed entity is keyed by a UUID: an ID that does not carry one is refused as bad
    // input here, instead of reaching the database as an invalid value.
    decodeGlobalID: (globalID) => {
      const decoded = decodeGlobalID(globalID);
      if (!isUuid(decoded.id)) {
        throw new ValidationError([{ path: [], message: `"${globalID}" is not a valid id` }]);
      }
      return decoded;
    },
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

builder.scalarType('DateTime', {
  description:
    'An instant as an RFC 3339 date and time with its offset (Z or ±hh:mm), e.g. 2026-11-26T09:30:00.000Z. A time without an offset, or a day the calendar does not have (2026-02-30), is refused.',
  serialize: (value) => value.toISOString(),
  ...dateTime,
});

// Codes and addresses: strings in and out, checked and normalised on the way in (scalars.ts).
const CODE_SCALARS = {
  EmailAddress: {
    description:
      'An e-mail address (HTML e-mail rules, at most 254 characters), e.g. analyst@hk-customs.demo; trimmed and lower-cased.',
    ...emailAddress,
  },
  CountryCode: {
    description: 'An ISO 3166-1 alpha-2 country code, e.g. HK, MO, CN, MY, FR; upper-cased.',
    ...countryCode,
  },
  Iso3166Code: {
    description:
      'An ISO 3166 code: a country (ISO 3166-1 alpha-2, e.g. HK) or a subdivision of one (ISO 3166-2, e.g. CN-GD); upper-cased.',
    ...iso3166Code,
  },
  Currency: {
    description: 'An ISO 4217 currency code, e.g. CNY, HKD, MOP, USD; upper-cased.',
    ...currency,
  },
} as const;
for (const [name, scalar] of Object.entries(CODE_SCALARS)) {
  builder.scalarType(name as keyof typeof CODE_SCALARS, {
    ...scalar,
    serialize: (value) => value,
  });
}

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: JSONResolver.serialize,
  parseValue: JSONResolver.parseValue,
  parseLiteral: (ast) => JSONResolver.parseLiteral(ast, {}),
});

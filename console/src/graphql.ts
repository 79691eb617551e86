import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

// Every document the console sends is typed against the published schema (schema:print writes
// graphql-env.d.ts), so a schema change breaks the console's type check, not a user's screen.
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: {
    DateTime: string;
    JSON: unknown;
    ID: string;
    EmailAddress: string;
    Currency: string;
    CountryCode: string;
    Iso3166Code: string;
  };
}>();
export type { ResultOf, VariablesOf } from 'gql.tada';

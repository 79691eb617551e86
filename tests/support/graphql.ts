import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

// Typed test operations: `graphql(\`…\`)` parses a document against the published schema at
// type-check time, so a renamed field or argument breaks the test's compile, and the result and
// variables of `gql(document, …)` carry the document's own types.
export const graphql = initGraphQLTada<{
  // Tests read what they select, fragments included; masking protects components, not tests.
  disableMasking: true;
  introspection: introspection;
  scalars: {
    DateTime: string;
    EmailAddress: string;
    CountryCode: string;
    Iso3166Code: string;
    Currency: string;
    JSON: unknown;
    ID: string;
  };
}>();

export type { ResultOf, VariablesOf } from 'gql.tada';

import { minifyIntrospection, outputIntrospectionFile } from '@gql.tada/internal';
import { introspectionFromSchema, lexicographicSortSchema } from 'graphql';
import { schema } from '../../src/schema.js';

/** The schema as gql.tada's type (tests/support/graphql-env.d.ts; a test keeps it current). */
export function printTypedDocumentsEnv(): string {
  const introspection = minifyIntrospection(
    introspectionFromSchema(lexicographicSortSchema(schema), { descriptions: false }),
  );
  return outputIntrospectionFile(introspection, { fileType: '.d.ts', shouldPreprocess: true });
}

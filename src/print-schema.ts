import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './schema.js';

/** The SDL committed as schema/schema.graphql (a test compares the two). */
export function printPublishedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

// `npm run schema:print`: writes the published GraphQL contract, schema/schema.graphql, and the
// schema's types for the typed operations of the tests and of the console,
// tests/support/graphql-env.d.ts and console/src/graphql-env.d.ts (gql.tada reads them, so a
// query is checked against the schema when the tests and the console are type-checked).
// Builds the schema in-process against an in-memory database: no port, no data folder.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

process.env.DATA_DIR = 'memory://';
const { printPublishedSchema } = await import('../src/print-schema.js');
const { printTypedDocumentsEnv } = await import('../tests/support/print-graphql-env.js');
const files = {
  '../schema/schema.graphql': printPublishedSchema(),
  '../tests/support/graphql-env.d.ts': printTypedDocumentsEnv(),
  '../console/src/graphql-env.d.ts': printTypedDocumentsEnv(),
};
for (const [path, contents] of Object.entries(files)) {
  const target = fileURLToPath(new URL(path, import.meta.url));
  writeFileSync(target, contents);
  console.log(`Wrote ${target}`);
}
const { closeDatabase } = await import('../src/db.js');
await closeDatabase();

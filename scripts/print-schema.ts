// `npm run schema:print`: writes the published GraphQL contract, schema/schema.graphql.
// Builds the schema in-process against an in-memory database: no port, no data folder.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

process.env.DATA_DIR = 'memory://';
const { printPublishedSchema } = await import('../src/print-schema.js');
const target = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
writeFileSync(target, printPublishedSchema());
console.log(`Wrote ${target}`);
const { closeDatabase } = await import('../src/db.js');
await closeDatabase();

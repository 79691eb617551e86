// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that brings the existing migrations up to prisma/schema.prisma and to the SQL functions
// kept in prisma/sql.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsDir, pendingSchemaChanges, sqlFunctionChanges } from '../src/migrations.js';

const name = (process.argv[2] ?? '').trim();
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:migration -- <name>   (lower-case letters, digits and _ only)');
  process.exit(2);
}

// The schema's changes, then the SQL functions of prisma/sql whose file changed.
const functions = sqlFunctionChanges().map(
  (change) => `\n-- From prisma/sql/${change.name}.sql\n${change.sql}`,
);
const sql = [await pendingSchemaChanges(), ...functions].join('');
if (sql.trim() === '') {
  console.log('schema.prisma, prisma/sql and the migrations agree: no migration written.');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = join(migrationsDir, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'migration.sql'), sql);
console.log(`Wrote ${join(dir, 'migration.sql')}`);

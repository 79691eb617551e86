import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import * as engineGlue from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

// Prisma's schema engine, in its WebAssembly build, drives our migrations: the native engine the
// CLI would download cannot be fetched on every machine. The engine records applied migrations
// in `_prisma_migrations` exactly as `prisma migrate deploy` does, so both tools can share a
// database. The package is built for bundlers, so Node instantiates the module by hand here.

const root = fileURLToPath(new URL('..', import.meta.url));
export const schemaPath = join(root, 'prisma', 'schema.prisma');
export const migrationsDir = join(root, 'prisma', 'migrations');
/** SQL functions kept as source files (`<name>.sql`), which migrations carry when they change. */
export const sqlFunctionsDir = join(root, 'prisma', 'sql');
const noFilters = { externalTables: [], externalEnums: [] };

let wasmReady: Promise<void> | undefined;
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const gluePath = createRequire(import.meta.url).resolve(
      '@prisma/schema-engine-wasm/schema_engine_bg',
    );
    const wasmPath = join(dirname(gluePath), 'schema_engine_bg.wasm');
    const module = await WebAssembly.compile(readFileSync(wasmPath));
    const instance = await WebAssembly.instantiate(module, {
      './schema_engine_bg.js': engineGlue as unknown as WebAssembly.ModuleImports,
    });
    const exports = instance.exports as WebAssembly.Exports & { __wbindgen_start: () => void };
    engineGlue.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
  })();
  return wasmReady;
}

async function openEngine(adapter: SqlMigrationAwareDriverAdapterFactory): Promise<SchemaEngine> {
  await loadWasm();
  const schema = readFileSync(schemaPath, 'utf8');
  const log = () => {};
  return engineGlue.SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    log,
    bindMigrationAwareSqlAdapterFactory(adapter),
  );
}

/** The migrations folder as the engine expects it. */
export function readMigrations(): MigrationList {
  const lockPath = join(migrationsDir, 'migration_lock.toml');
  const dirs = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: 'migration_lock.toml',
      content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((name) => {
      const file = join(migrationsDir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: existsSync(file)
            ? { tag: 'ok' as const, value: readFileSync(file, 'utf8') }
            : { tag: 'error' as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

/**
 * The engine opens its own connections (on PostgreSQL, a pool each) and takes the migration
 * advisory lock on one of them; freeing the engine leaves them open, and the lock held, which
 * would stop every other instance from starting. This keeps them to close afterwards.
 */
function closingAfterwards(adapter: SqlMigrationAwareDriverAdapterFactory) {
  const opened: { dispose(): Promise<void> }[] = [];
  const track = async <T extends { dispose(): Promise<void> }>(connection: Promise<T>) => {
    const made = await connection;
    opened.push(made);
    return made;
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    connect: () => track(adapter.connect()),
    connectToShadowDb: () => track(adapter.connectToShadowDb()),
  };
  return { factory, close: () => Promise.all(opened.map((c) => c.dispose())) };
}

/** A migration as `_prisma_migrations` records it. */
export interface AppliedMigration {
  name: string;
  checksum: string;
  finished: boolean;
  rolledBack: boolean;
}

/**
 * Whether every migration of the folder is recorded as applied, finished and unchanged (its
 * SHA-256, as the engine records it), and nothing else is: then the engine would do nothing,
 * and a start need not load it. Anything else (a pending, failed, edited or unknown migration)
 * goes to the engine, which applies or refuses as it always does.
 */
export function upToDate(applied: readonly AppliedMigration[]): boolean {
  const list = readMigrations();
  if (applied.length !== list.migrationDirectories.length) return false;
  const byName = new Map(applied.map((row) => [row.name, row]));
  return list.migrationDirectories.every((dir) => {
    const row = byName.get(dir.path);
    const content = dir.migrationFile.content;
    return (
      row?.finished === true &&
      !row.rolledBack &&
      content.tag === 'ok' &&
      row.checksum === createHash('sha256').update(content.value).digest('hex')
    );
  });
}

/** Applies pending migrations; returns the names of those just applied. */
export async function applyMigrations(
  adapter: SqlMigrationAwareDriverAdapterFactory,
): Promise<string[]> {
  const connections = closingAfterwards(adapter);
  const engine = await openEngine(connections.factory);
  try {
    const out = await engine.applyMigrations({
      migrationsList: readMigrations(),
      filters: noFilters,
    });
    return out.appliedMigrationNames;
  } finally {
    engine.free();
    await connections.close();
  }
}

/** An in-memory PGlite with the extensions our migrations create. */
function scratchDatabase(): PGlite {
  return new PGlite({ extensions: { pg_trgm } });
}

/**
 * The adapter's own shadow database is a bare PGlite, without the extensions the migrations
 * need; this one replays the migrations on a scratch database that has them.
 */
function withExtensionsInShadow(
  adapter: SqlMigrationAwareDriverAdapterFactory,
): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    connect: () => adapter.connect(),
    connectToShadowDb: () => new PrismaPGlite(scratchDatabase()).connect(),
  };
}

/**
 * SQL that would bring the migrations up to `schema.prisma`; empty when they agree.
 * Runs against throw-away in-memory databases, never against a real one.
 */
export async function pendingSchemaChanges(): Promise<string> {
  const scratch = scratchDatabase();
  try {
    const engine = await openEngine(withExtensionsInShadow(new PrismaPGlite(scratch)));
    try {
      const migrations = readMigrations();
      const result = await engine.diff({
        from:
          migrations.migrationDirectories.length > 0
            ? { tag: 'migrations', ...migrations }
            : { tag: 'empty' },
        to: {
          tag: 'schemaDatamodel',
          files: [{ path: schemaPath, content: readFileSync(schemaPath, 'utf8') }],
        },
        script: true,
        exitCode: true,
        filters: noFilters,
      });
      return result.exitCode === 2 ? (result.stdout ?? '') : '';
    } finally {
      engine.free();
    }
  } finally {
    await scratch.close();
  }
}

/**
 * A function's definition in a SQL text: its last `CREATE [OR REPLACE] FUNCTION "<name>"(` line
 * to the `$$ LANGUAGE <language>;` line that ends it, written as CREATE OR REPLACE (the first
 * migration created what later ones replace).
 */
function functionDefinition(sql: string, name: string): string | null {
  const lines = sql.split('\n');
  const start = new RegExp(`^CREATE (OR REPLACE )?FUNCTION "${name}"\\(`);
  let found: string | null = null;
  lines.forEach((line, at) => {
    if (!start.test(line)) return;
    const end = lines.findIndex((other, after) => after > at && /^\$\$ LANGUAGE \w+;$/.test(other));
    if (end > at) {
      found = lines
        .slice(at, end + 1)
        .join('\n')
        .replace(/^CREATE (OR REPLACE )?FUNCTION/, 'CREATE OR REPLACE FUNCTION');
    }
  });
  return found;
}

export interface SqlFunctionChange {
  name: string;
  /** The file's text, as a migration carries it. */
  sql: string;
}

/**
 * The SQL functions of prisma/sql whose definition differs from the one the latest migration
 * defining them left in the database (or that no migration defines yet): what the next migration
 * must carry. Empty when the migrations are up to date with the files.
 */
export function sqlFunctionChanges(): SqlFunctionChange[] {
  if (!existsSync(sqlFunctionsDir)) return [];
  const migrations = readMigrations().migrationDirectories.map((dir) =>
    dir.migrationFile.content.tag === 'ok' ? dir.migrationFile.content.value : '',
  );
  return readdirSync(sqlFunctionsDir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .flatMap((file) => {
      const name = file.slice(0, -'.sql'.length);
      const sql = readFileSync(join(sqlFunctionsDir, file), 'utf8');
      const wanted = functionDefinition(sql, name);
      if (wanted === null) throw new Error(`prisma/sql/${file} does not define "${name}"`);
      const live = migrations
        .map((migration) => functionDefinition(migration, name))
        .filter((definition) => definition !== null)
        .at(-1);
      return live === wanted ? [] : [{ name, sql }];
    });
}

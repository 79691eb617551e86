import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { config } from './config.js';
import { Prisma, PrismaClient } from './generated/prisma/client.js';
import { type AppliedMigration, applyMigrations, upToDate } from './migrations.js';

// One database for the process: PostgreSQL when DATABASE_URL is set (production), otherwise
// PGlite, the same PostgreSQL compiled to WebAssembly, running in-process on a data folder.

export type DatabaseKind = 'postgresql' | 'pglite';

/**
 * The pg adapter runs a migration script by splitting it at every `;`, which breaks function
 * bodies (`$$ … ; … $$`). Migrations are run here as one simple-protocol query instead: whole,
 * and atomic (PostgreSQL runs a multi-statement query in one transaction).
 */
function withWholeScripts(
  factory: PrismaPg,
  connectionString: string,
): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connectToShadowDb: () => factory.connectToShadowDb(),
    connect: async () => {
      const adapter = await factory.connect();
      return Object.assign(adapter, {
        executeScript: async (script: string) => {
          const client = new pg.Client({ connectionString });
          await client.connect();
          try {
            await client.query(script);
          } finally {
            await client.end();
          }
        },
      });
    },
  };
}

function openAdapter(): {
  kind: DatabaseKind;
  /** What the Prisma client runs on. */
  adapter: SqlMigrationAwareDriverAdapterFactory;
  /**
   * What the schema engine applies migrations through. On PostgreSQL it opens connections of its
   * own and closes them afterwards: the engine holds a session advisory lock while it migrates,
   * and a pooled connection would keep that lock, and keep every other instance from starting.
   */
  migrations: SqlMigrationAwareDriverAdapterFactory;
  location: string;
  close: () => Promise<void>;
  refreshTypes: () => Promise<void>;
  /** Connections of the PostgreSQL pool (null on the embedded database, which has one). */
  pool: () => PoolUse | null;
} {
  const cfg = config();
  if (cfg.DATABASE_URL) {
    const url = new URL(cfg.DATABASE_URL);
    // The pool is the server's own, so that its use can be measured (/metrics); Prisma borrows it.
    const pool = new pg.Pool({
      connectionString: cfg.DATABASE_URL,
      max: 10,
      // JIT compilation costs hundreds of milliseconds on the visibility-filtered queries
      // (measured in docs/benchmarks.md) and never pays back on short OLTP statements.
      options: '-c jit=off',
    });
    return {
      kind: 'postgresql',
      adapter: withWholeScripts(new PrismaPg(pool), cfg.DATABASE_URL),
      migrations: withWholeScripts(
        new PrismaPg({ connectionString: cfg.DATABASE_URL, max: 2, options: '-c jit=off' }),
        cfg.DATABASE_URL,
      ),
      location: `${url.hostname}:${url.port || 5432}${url.pathname}`,
      close: () => pool.end(),
      refreshTypes: async () => {},
      pool: () => ({
        open: pool.totalCount,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
        max: 10,
      }),
    };
  }
  const inMemory = cfg.DATA_DIR.startsWith('memory://');
  const dataDir = inMemory ? cfg.DATA_DIR : resolve(cfg.DATA_DIR);
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite({ dataDir, extensions: { pg_trgm } });
  const embedded = new PrismaPGlite(pglite);
  return {
    kind: 'pglite',
    adapter: embedded,
    // One process owns the embedded database: the client and the engine share its connection.
    migrations: embedded,
    location: dataDir,
    // PGlite writes its files on close; a process killed without it can leave them damaged.
    close: () => pglite.close(),
    // PGlite learns array types (such as Region[]) when it opens; types that migrations create
    // afterwards must be loaded again, or array parameters are sent as plain text.
    refreshTypes: () => pglite.refreshArrayTypes(),
    pool: () => null,
  };
}

type Opened = ReturnType<typeof openAdapter>;

export interface PoolUse {
  open: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  max: number;
}

/** How the PostgreSQL pool is used now; null on the embedded database or before it opens. */
export function poolUse(): PoolUse | null {
  return opened?.pool() ?? null;
}

/** Which database this process uses, from its configuration (nothing is opened to say it). */
export const databaseKind: DatabaseKind = config().DATABASE_URL ? 'postgresql' : 'pglite';

let opened: Opened | null = null;
let client: PrismaClient | null = null;

/** SQL statements run by this process, counted only when DIAGNOSTICS is on. */
export const sqlStatements = { count: 0 };

/**
 * Opens the process's database (PGlite's folder, or the PostgreSQL pool); the server, the scripts
 * and the test setup call it when they start, and importing a module never does. Idempotent.
 */
export function openDatabase(): void {
  if (opened) return;
  opened = openAdapter();
  const diagnostics = config().DIAGNOSTICS;
  client = new PrismaClient({
    adapter: opened.adapter,
    ...(diagnostics ? { log: [{ emit: 'event' as const, level: 'query' as const }] } : {}),
  });
  if (diagnostics) {
    (client as unknown as { $on: (event: 'query', cb: () => void) => void }).$on('query', () => {
      sqlStatements.count += 1;
    });
  }
}

function openedDatabase(): Opened {
  if (!opened)
    throw new Error('The database is not open: openDatabase() runs when the process starts.');
  return opened;
}

/** Where the open database lives: a data folder, or host:port/name. */
export function databaseLocation(): string {
  return openedDatabase().location;
}

/**
 * The Prisma client of the open database. Modules import it freely; it reaches the database
 * only once `openDatabase()` has run, and says so if it has not.
 */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    openedDatabase();
    const real = client as PrismaClient;
    const value = Reflect.get(real, property, real);
    return typeof value === 'function' ? value.bind(real) : value;
  },
  // Pothos finds a model's delegate with `name in client`.
  has(_target, property) {
    openedDatabase();
    return Reflect.has(client as PrismaClient, property);
  },
});

/** Applies pending migrations; returns the names of those just applied. */
export async function migrateDatabase(): Promise<string[]> {
  const database = openedDatabase();
  if (upToDate(await appliedMigrations())) return [];
  const applied = await applyMigrations(database.migrations);
  if (applied.length > 0) await database.refreshTypes();
  return applied;
}

/** What `_prisma_migrations` records; nothing when the table does not exist yet. */
export async function appliedMigrations(): Promise<AppliedMigration[]> {
  const [table] = await prisma.$queryRaw<{ present: boolean }[]>`
    SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present`;
  if (!table?.present) return [];
  return prisma.$queryRaw<AppliedMigration[]>`
    SELECT migration_name AS name, checksum, finished_at IS NOT NULL AS finished,
           rolled_back_at IS NOT NULL AS "rolledBack"
      FROM "_prisma_migrations"`;
}

let closed = false;
export async function closeDatabase(): Promise<void> {
  if (closed || !opened) return;
  closed = true;
  await client?.$disconnect();
  await opened.close();
}

/** A transaction's client: services that write in several steps take one. */
export type Tx = Prisma.TransactionClient;

/** True when the database answers a trivial query. */
export async function databaseReachable(): Promise<boolean> {
  try {
    await prisma.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}

/**
 * A write refused by a unique constraint: a name or address already taken. Prisma reports it as
 * P2002 for its own queries, and as a failed raw query carrying PostgreSQL's SQLSTATE 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  return (
    error.code === 'P2002' ||
    (error.code === 'P2010' && JSON.stringify(error.meta ?? {}).includes('23505'))
  );
}

/** Prisma's codes for a database that was never reached: no connection, or none in time. */
const UNREACHED_CODES = new Set(['P1001', 'P1002', 'P2024', 'P2028']);
/** …and for a connection lost while a statement ran. */
const INTERRUPTED_CODES = new Set(['P1008', 'P1017']);
const UNREACHED_KINDS = new Set(['DatabaseNotReachable', 'TooManyConnections']);
const INTERRUPTED_KINDS = new Set(['ConnectionClosed', 'SocketTimeout']);

/**
 * Whether the database is down, restarting or out of connections, and so the request may be
 * tried again: `unreached` when nothing reached the database (nothing was changed),
 * `interrupted` when the connection was lost under way (a change may or may not have been made).
 * PostgreSQL's own codes count too: class 08 (connection exception) and 57P01–57P03 (shutting
 * down, crashed, not accepting connections yet).
 */
export function databaseUnavailability(error: unknown): 'unreached' | 'interrupted' | null {
  const {
    code,
    meta,
    message,
    name,
    cause: own,
  } = (error ?? {}) as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: string; code?: string } } };
    message?: unknown;
    name?: unknown;
    cause?: { kind?: string; code?: string };
  };
  // Prisma wraps the adapter's error in its own, except where an interactive transaction begins,
  // commits or rolls back: there the adapter's DriverAdapterError arrives as it is.
  const cause =
    meta?.driverAdapterError?.cause ?? (name === 'DriverAdapterError' ? own : undefined);
  if (typeof code === 'string' && UNREACHED_CODES.has(code)) return 'unreached';
  if (cause?.kind && UNREACHED_KINDS.has(cause.kind)) return 'unreached';
  if (typeof code === 'string' && INTERRUPTED_CODES.has(code)) return 'interrupted';
  if (cause?.kind && INTERRUPTED_KINDS.has(cause.kind)) return 'interrupted';
  const sqlState = cause?.code ?? (typeof code === 'string' ? code : undefined);
  if (sqlState === '57P03') return 'unreached';
  if (sqlState && /^(08...|57P0[12])$/.test(sqlState)) return 'interrupted';
  if (typeof message === 'string' && /ECONNREFUSED/.test(message)) return 'unreached';
  if (typeof message === 'string' && /Connection terminated|ECONNRESET/.test(message)) {
    return 'interrupted';
  }
  return null;
}

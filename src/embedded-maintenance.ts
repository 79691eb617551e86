import { databaseKind, prisma } from './db.js';
import { logger } from './logger.js';

// PGlite runs PostgreSQL in single-user mode, without the autovacuum daemon: nothing refreshes
// table statistics or clears dead rows on its own, so the planner keeps planning for the sizes
// the tables had when the database was created, and every query gets slower as they grow. A
// burst of 400 registrations took 10, 16, 22 and 25 s in four rounds on the embedded database,
// and 9.5, 5.9, 5.5 and 6.4 s with ANALYZE between them (docs/benchmarks.md). This does the
// daemon's work, table by table, with its default thresholds.

const ANALYZE_BASE = 50;
const ANALYZE_SCALE = 0.1;
const VACUUM_BASE = 50;
const VACUUM_SCALE = 0.2;

interface TableStats {
  relname: string;
  live: number;
  dead: number;
  modified: number;
  /** The planner's row estimate; -1 before the first ANALYZE. */
  tuples: number;
}

/** Vacuums and analyzes the tables past autovacuum's thresholds; returns what it did. */
export async function maintainEmbeddedTables(): Promise<string[]> {
  const tables = await prisma.$queryRaw<TableStats[]>`
    SELECT s.relname, s.n_live_tup::float8 AS live, s.n_dead_tup::float8 AS dead,
           s.n_mod_since_analyze::float8 AS modified, c.reltuples::float8 AS tuples
      FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
     WHERE s.schemaname = current_schema()`;
  const done: string[] = [];
  for (const table of tables) {
    const size = Math.max(table.tuples, 0);
    const vacuum = table.dead > VACUUM_BASE + VACUUM_SCALE * size;
    const analyze =
      table.modified > ANALYZE_BASE + ANALYZE_SCALE * size || (table.tuples < 0 && table.live > 0);
    if (!vacuum && !analyze) continue;
    const name = `"${table.relname.replaceAll('"', '""')}"`;
    await prisma.$executeRawUnsafe(vacuum ? `VACUUM (ANALYZE) ${name}` : `ANALYZE ${name}`);
    done.push(`${vacuum ? 'vacuum+analyze' : 'analyze'} ${table.relname}`);
  }
  return done;
}

/** On the embedded database: maintains its tables now, then every `intervalMs`. Returns a stop. */
export async function startEmbeddedMaintenance(intervalMs = 15_000): Promise<() => void> {
  if (databaseKind !== 'pglite') return () => {};
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const done = await maintainEmbeddedTables();
      if (done.length > 0) logger.debug({ done }, 'embedded database maintained');
    } catch (error) {
      logger.warn({ err: error }, 'embedded database maintenance failed; retrying later');
    } finally {
      running = false;
    }
  };
  await pass();
  const timer = setInterval(() => void pass(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

import { type Config, ConfigError, loadConfig } from '../config.js';

// What every operator tool does around its own work: refuse a bad configuration with its
// message, open the database (migrated), close it whatever happens (PGlite writes its files
// then), and end with one line on stdout (success) or stderr and exit code 1 (refusal).

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** The configuration, or the process ends with what is wrong with it. */
export function toolConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

export interface Outcome {
  ok: boolean;
  message: string;
}

/**
 * Runs `work` on the migrated database and reports its outcome; an error it throws is a refusal
 * worded by `explain`. The database is closed before the process ends.
 */
export async function runOnDatabase(
  work: () => Promise<Outcome>,
  explain: (error: unknown) => string,
): Promise<never> {
  const { closeDatabase, migrateDatabase, openDatabase } = await import('../db.js');
  openDatabase();
  let outcome: Outcome;
  try {
    await migrateDatabase();
    outcome = await work();
  } catch (error) {
    outcome = { ok: false, message: explain(error) };
  } finally {
    await closeDatabase();
  }
  if (!outcome.ok) fail(outcome.message);
  console.log(outcome.message);
  process.exit(0);
}

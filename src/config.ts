import { z } from 'zod';
import { parseAllowedTargets } from './outbound-address.js';

// Every setting comes from the environment and is checked once, at start, so that a bad value
// stops the server with a message naming the variable instead of failing later at random.

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .positive('must be positive');

/** A comma-separated allow-list of hosts, addresses and CIDR ranges (src/outbound-address.ts). */
const allowList = z
  .string()
  .default('')
  .superRefine((value, ctx) => {
    try {
      parseAllowedTargets(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(4000),
  /** PostgreSQL connection string; when unset the embedded PGlite database is used. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** Folder of the embedded database (`memory://` keeps it in memory only). */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Serve GraphiQL at /graphql for browsers; default on, off in production. */
  GRAPHIQL: bool.optional(),
  /**
   * Who may ask the schema about itself (`__schema`, `__type`): `everyone`, or `signed-in`
   * (callers with a session). Default `everyone`; in production `signed-in`.
   */
  INTROSPECTION: z.enum(['everyone', 'signed-in']).optional(),
  /** A manifest of trusted documents (JSON: id → GraphQL); when set, only they are run. */
  TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  /** With TRUSTED_DOCUMENTS: `false` also runs other operations (while clients move over). */
  TRUSTED_DOCUMENTS_ONLY: bool.default(true),
  /**
   * Serves /metrics (Prometheus) to requests bearing this token; unset, there is no /metrics.
   * At least 24 characters: it guards figures about the whole network.
   */
  METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  /** An OTLP/HTTP collector (`http://collector:4318`): traces operations and SQL when set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' })
    .optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('gba-ipnet'),
  /** Counts SQL statements and serves the count at /diagnostics (for `npm run bench`). */
  DIAGNOSTICS: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `auto`: seed the demo network into an empty embedded database. Default `auto`; in production `never`. */
  SEED_DEMO: z.enum(['auto', 'always', 'never']).optional(),
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('ipnet-demo-2026'),
  /**
   * Key of the HMAC under which observable values are compared across agencies. Changing it
   * breaks matching with values stored before (see docs/intelligence.md).
   */
  MATCH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_MAX_AGE_HOURS: positiveInt.default(24 * 14),
  SESSION_IDLE_TIMEOUT_MINUTES: positiveInt.default(12 * 60),
  /**
   * A validated session is remembered by the process this long, so that signed-in requests need
   * no session lookup; 0 turns it off. Off whenever REDIS_URL is set (see docs/access-control.md).
   */
  SESSION_CACHE_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'cannot be negative')
    .max(60_000, 'must be at most 60000 (one minute)')
    .default(5000),
  /** Mark the session cookie `Secure`; defaults on in production (behind HTTPS). */
  COOKIE_SECURE: bool.optional(),
  /** Extra origins allowed to send cookie-authenticated mutations, comma separated. */
  ALLOWED_ORIGINS: z.string().default(''),
  /** Trust `X-Forwarded-For` from a reverse proxy for the client address. */
  TRUST_PROXY: bool.default(false),
  /**
   * The address people reach the server at, e.g. https://ipnet.example.org: password reset links
   * and the OpenID Connect redirect are built on it, never on a request's Host header. Unset outside production: the address the server listens on.
   */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  /** How long a password reset link works. */
  PASSWORD_RESET_MINUTES: positiveInt.max(24 * 60, 'must be at most a day').default(30),
  /** Password reset requests (and attempts) allowed per client address per hour. */
  PASSWORD_RESETS_PER_ADDRESS_PER_HOUR: positiveInt.default(10),
  /** How long a guest has to confirm the e-mail address before the place is released. */
  GUEST_CONFIRM_MINUTES: positiveInt.default(30),
  /** Guest registrations (each sends a confirmation e-mail) per e-mail address per hour. */
  GUEST_REGISTRATIONS_PER_EMAIL_PER_HOUR: positiveInt.default(5),
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(5),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: positiveInt.default(20),
  SIGNIN_LOCKOUT_MINUTES: positiveInt.default(15),
  /** Guest registrations and check-in-code look-ups allowed per client address per minute. */
  GUEST_REQUESTS_PER_MINUTE: positiveInt.default(120),
  /**
   * Network statistics (network admins) show a breakdown figure only when it draws on at least
   * this many items (reports, or operations for results); see docs/access-control.md.
   */
  STATISTICS_MIN_GROUP_SIZE: positiveInt.default(5),
  MAX_QUERY_DEPTH: positiveInt.default(12),
  MAX_ALIASES: positiveInt.default(30),
  MAX_TOKENS: positiveInt.default(5000),
  MAX_DIRECTIVES: positiveInt.default(50),
  MAX_QUERY_COST: positiveInt.default(20000),
  MAX_BODY_BYTES: positiveInt.default(1_000_000),
  EXECUTION_TIMEOUT_MS: positiveInt.default(15_000),
  SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
  /**
   * SMTP server for messages to registrants, e.g. smtps://user:pass@mail.example.org:465.
   * Unset: messages wait in the outbox (forum messages) and nothing is sent.
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('GBA IPNet <no-reply@ipnet.invalid>'),
  /** How often the outbox is checked for messages to send. */
  MAIL_POLL_SECONDS: positiveInt.default(5),
  /**
   * Check-in is open on the event's own day(s), in its time zone, from this many hours before
   * its first day begins (0: from midnight of that day).
   */
  CHECK_IN_EARLY_HOURS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'cannot be negative')
    .default(0),
  /**
   * Redis shared by several server instances, e.g. redis://redis.internal:6379. It only wakes
   * the other instances when alerts are written; the alert log in the database stays the source
   * of truth. Unset: one process, woken in memory.
   */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  /** The alert log is also read this often, in case a wake-up signal was lost. */
  ALERT_POLL_MS: positiveInt.default(1000),
  /**
   * Alerts a live subscriber may have waiting before its stream is ended with RESUME_REQUIRED
   * (it resumes from its last cursor, losing nothing): bounds the memory a slow client costs.
   */
  ALERT_MAX_BACKLOG: positiveInt.default(10_000),
  /** Sessions behind open subscriptions are re-checked this often (revocation closes them). */
  LIVE_SESSION_CHECK_MS: positiveInt.default(500),
  /** Webhook deliveries are looked for this often (and whenever alerts are written). */
  WEBHOOK_POLL_MS: positiveInt.default(1000),
  /** A receiver that has not answered after this long counts as a failed attempt. */
  WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
  /** Attempts before a delivery is given up (FAILED). */
  WEBHOOK_MAX_ATTEMPTS: positiveInt.default(10),
  /** Wait before the first retry; it doubles with each attempt (at most six hours). */
  WEBHOOK_RETRY_BASE_MS: positiveInt.default(30_000),
  /**
   * Receivers on internal networks that webhooks may reach, comma separated: host names,
   * addresses or CIDR ranges (e.g. `hooks.customs.internal,10.20.0.0/16`). Everything else that is
   * not a public address is refused, at registration and at every send.
   */
  WEBHOOK_ALLOWED_HOSTS: allowList,
  /**
   * Identity providers on internal networks that single sign-on may reach (the issuer and every
   * endpoint its discovery document names), in the same form; everything else that is not a
   * public address is refused, when a provider is added and at every request.
   */
  SSO_ALLOWED_HOSTS: allowList,
});

/** Settings whose default depends on NODE_ENV: what a newcomer wants is not what production wants. */
function withEnvironmentDefaults(parsed: z.infer<typeof ConfigSchema>) {
  const production = parsed.NODE_ENV === 'production';
  return {
    ...parsed,
    GRAPHIQL: parsed.GRAPHIQL ?? !production,
    INTROSPECTION: parsed.INTROSPECTION ?? (production ? 'signed-in' : 'everyone'),
    SEED_DEMO: parsed.SEED_DEMO ?? (production ? 'never' : 'auto'),
  };
}

export type Config = ReturnType<typeof withEnvironmentDefaults>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset: `PORT= npm start` should mean the default.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (parsed.data.NODE_ENV === 'production' && !parsed.data.MATCH_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  MATCH_SECRET: required in production (at least 32 random characters)',
    );
  }
  return withEnvironmentDefaults(parsed.data);
}

/** Development and test fall back to a fixed key; production must set MATCH_SECRET. */
export function matchSecret(cfg: Config = config()): string {
  return cfg.MATCH_SECRET ?? 'gba-ipnet-development-match-secret-not-for-production';
}

let current: Config | undefined;

/** The process-wide configuration, read from the environment on first use. */
export function config(): Config {
  current ??= loadConfig();
  return current;
}

export function cookieSecure(cfg: Config = config()): boolean {
  return cfg.COOKIE_SECURE ?? cfg.NODE_ENV === 'production';
}

import { randomUUID } from 'node:crypto';
import type { Plugin } from '@envelop/core';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { useCookies } from '@whatwg-node/server-plugin-cookies';
import {
  type FieldNode,
  GraphQLError,
  getOperationAST,
  type ValidationContext,
  visit,
} from 'graphql';
import {
  createYoga,
  useExecutionCancellation,
  type Plugin as YogaPlugin,
  type YogaServerInstance,
} from 'graphql-yoga';
import { config } from './config.js';
import { useConsole } from './console.js';
import { type Context, type ContextSource, createContext } from './context.js';
import { databaseReachable, databaseUnavailability, sqlStatements } from './db.js';
import { AppError, EXPECTED_ERROR_CODES } from './errors.js';
import { asBadInput, useInputGuard } from './input-guard.js';
import { logger } from './logger.js';
import { useMetrics } from './metrics.js';
import { useAlertAnnouncer } from './modules/alerts/alert-announcer.js';
import { alertHub } from './modules/alerts/alert-hub.js';
import {
  useAttendeesCsvEndpoint,
  useForumCalendarEndpoint,
} from './modules/forums/forum-exports.http.js';
import { useImportEndpoints } from './modules/imports/import.http.js';
import { useStixEndpoint } from './modules/intel/stix.http.js';
import { useAfterActionEndpoint } from './modules/operations/after-action.http.js';
import { useOidcEndpoints } from './modules/sso/oidc.http.js';
import { useTaxiiEndpoint } from './modules/taxii/taxii.http.js';
import { useRequestFacts } from './request-log.js';
import { schema } from './schema.js';
import { useSecurityHeaders } from './security-headers.js';
import { tracingPlugins } from './tracing.js';
import { loadTrustedDocuments, useTrustedDocuments } from './trusted-documents.js';

// The GraphQL server as a Fetch-API handler: used by the HTTP/WebSocket server and by tests.

/** Origins trusted to send cookie-authenticated mutations: this server's own, plus configured. */
export function isTrustedOrigin(origin: string, host: string | null): boolean {
  const allowed = config()
    .ALLOWED_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (allowed.includes(origin)) return true;
  try {
    return host !== null && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * With INTROSPECTION=signed-in (production's default), `__schema` and `__type` are answered only
 * to callers with a session: the schema is published in the repository, but a scanner on the
 * network learns nothing from the running server without an account.
 */
function useIntrospectionPolicy(policy: 'everyone' | 'signed-in'): Plugin<Context> {
  return {
    // At execution, not validation: the viewer is settled only once the context is built.
    onExecute({ args, setResultAndStopExecution }) {
      if (policy === 'everyone' || args.contextValue.viewer) return;
      let asks: FieldNode | null = null;
      visit(args.document, {
        Field(node) {
          if (node.name.value === '__schema' || node.name.value === '__type') asks ??= node;
        },
      });
      if (asks) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError('Introspection needs a session here: sign in first.', {
              nodes: [asks],
              extensions: { code: 'UNAUTHENTICATED' },
            }),
          ],
        });
      }
    },
  };
}

/**
 * A cookie rides along with any request the browser makes, including ones forged by other sites;
 * so a mutation authenticated by cookie must come from a trusted Origin, or, from a non-browser
 * client that sends no Origin, carry yoga's CSRF-prevention header (which forces a preflight).
 */
function useCookieCsrfGuard(): Plugin<Context> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue;
      if (context.authVia !== 'cookie' || !context.request) return;
      const operation = getOperationAST(args.document, args.operationName)?.operation;
      if (operation !== 'mutation') return;
      const headers = context.request.headers;
      const origin = headers.get('origin');
      const trusted = origin
        ? isTrustedOrigin(origin, new URL(context.request.url).host)
        : headers.has('x-graphql-yoga-csrf');
      if (!trusted) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              'Cross-site request refused: a mutation signed in by cookie must come from this site. API clients should send the token as `Authorization: Bearer …`.',
              { extensions: { code: 'FORBIDDEN' } },
            ),
          ],
        });
      }
    },
  };
}

/**
 * GraphQL Armor refuses a hostile query with a bare error. Reported instead through the
 * validation context, it carries a code a client can act on: the query asks too much.
 */
const refusedWithCode = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(
        new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
          nodes: error.nodes,
          extensions: { code: 'QUERY_TOO_COMPLEX' },
        }),
      ),
  ],
};

/** Codes of answers about the request, not about the server: the domain's and GraphQL's own. */
const CLIENT_CODES = new Set([
  ...EXPECTED_ERROR_CODES,
  'QUERY_TOO_COMPLEX',
  'TIMEOUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_ONLY',
  'PERSISTED_QUERY_NOT_FOUND',
]);

function onlyClientErrors(args: unknown[]): boolean {
  const errors = args.flat();
  return (
    errors.length > 0 &&
    errors.every((error) => {
      const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
      return typeof code === 'string' && CLIENT_CODES.has(code);
    })
  );
}

/** Queries that run too long are answered with an error instead of holding the connection. */
function useQueryTimeout(timeoutMs: number): Plugin<Context> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      setExecuteFn(async (executionArgs) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new GraphQLError(
                  `The query took longer than ${timeoutMs} ms and was stopped. Ask for fewer items or fields.`,
                  { extensions: { code: 'TIMEOUT' } },
                ),
              ),
            timeoutMs,
          );
        });
        try {
          return await Promise.race([executeFn(executionArgs), timeout]);
        } catch (error) {
          if (error instanceof GraphQLError) return { errors: [error] };
          throw error;
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}

/** `/healthz`: the process answers. `/readyz`: and its database does too. */
function useHealthEndpoints(): YogaPlugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/diagnostics' && config().DIAGNOSTICS) {
        // With `node --expose-gc`, `?gc=1` collects garbage first, for memory figures.
        const gc = (globalThis as { gc?: () => void }).gc;
        if (url.searchParams.get('gc') === '1') gc?.();
        const memory = process.memoryUsage();
        endResponse(
          fetchAPI.Response.json({
            sqlStatements: sqlStatements.count,
            heapUsedBytes: memory.heapUsed,
            rssBytes: memory.rss,
            liveSubscribers: alertHub.size,
          }),
        );
      } else if (url.pathname === '/healthz') {
        endResponse(fetchAPI.Response.json({ status: 'ok' }));
      } else if (url.pathname === '/readyz') {
        const ready = await databaseReachable();
        endResponse(
          fetchAPI.Response.json(
            { status: ready ? 'ready' : 'unavailable', database: ready ? 'ok' : 'unreachable' },
            { status: ready ? 200 : 503 },
          ),
        );
      }
    },
  };
}

/**
 * Expected errors keep their message and code; everything else is logged with an error id and
 * reaches the client as a bare "Unexpected error" with that id, never a stack trace or SQL.
 */
function maskError(error: unknown): Error {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof AppError) {
    const extensions: Record<string, unknown> = { code: original.code };
    if ('issues' in original) extensions.issues = original.issues;
    if ('retryAfterSeconds' in original) extensions.retryAfterSeconds = original.retryAfterSeconds;
    if ('resumeAfter' in original) extensions.resumeAfter = original.resumeAfter;
    return new GraphQLError(original.message, {
      ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
      extensions,
    });
  }
  if (error instanceof GraphQLError && !error.originalError) return error;
  // A variable that does not fit its type (an unknown enum value, a number out of Int's range):
  // graphql-js wraps the scalar's refusal; it is the caller's input, not a fault.
  if (error instanceof GraphQLError && !error.path && /^Variable "\$/.test(error.message)) {
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  if (original instanceof GraphQLError && original.extensions?.code) return original;
  const badInput = error instanceof GraphQLError ? asBadInput(error, original) : null;
  if (badInput) return badInput;
  const unavailable = databaseUnavailability(original);
  if (unavailable) {
    logger.warn({ err: original, unavailable }, 'database unavailable: a request was turned away');
    return new GraphQLError(
      unavailable === 'unreached'
        ? 'The database cannot take this now; nothing was changed. Try again in a moment.'
        : 'The connection to the database was lost; try again in a moment. A change sent just now may or may not have been made: check before sending it again.',
      {
        ...(error instanceof GraphQLError ? { path: error.path } : {}),
        extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
      },
    );
  }
  const errorId = randomUUID();
  logger.error({ err: original, errorId }, 'unexpected error while executing an operation');
  return new GraphQLError(`Unexpected error. Quote error id ${errorId} when reporting it.`, {
    ...(error instanceof GraphQLError ? { path: error.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
  });
}

// The default demo password is public (README); a configured one is never shown.
/**
 * What GraphiQL opens with: the README's first session, word for word (a test compares them), so
 * that a newcomer runs exactly what the README describes.
 */
export const firstSession = (demoPassword: string) => `# Welcome to GBA IPNet.
# 1. Run SignIn (\`npm start\` prints the demo accounts); the session cookie is set for you.
# 2. Run Agencies.

mutation SignIn {
  signIn(email: "analyst@hk-customs.demo", password: "${demoPassword}") {
    __typename
    ... on SignInSuccess {
      session {
        expiresAt
        user {
          displayName
          agency {
            name
          }
        }
      }
    }
    ... on Error {
      code
      message
    }
  }
}

query Agencies {
  agencies(first: 5, filter: { region: GREATER_BAY_AREA }) {
    totalCount
    edges {
      node {
        id
        name
        regions
        jurisdiction
      }
    }
  }
}
`;

export type IpnetYoga = YogaServerInstance<ContextSource, Context>;

export function buildYoga(): IpnetYoga {
  const cfg = config();
  return createYoga<ContextSource, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // GraphiQL's code, styles and workers inlined in the page: it works on a network that reaches
    // nothing outside (the default page loads them from a public CDN).
    renderGraphiQL,
    graphiql: cfg.GRAPHIQL
      ? {
          title: 'GBA IPNet',
          subscriptionsProtocol: 'WS',
          defaultQuery: firstSession(
            process.env.DEMO_PASSWORD ? '<your DEMO_PASSWORD>' : cfg.DEMO_PASSWORD,
          ),
        }
      : false,
    context: (initial) => createContext(initial),
    maskedErrors: { maskError },
    // Only this site and ALLOWED_ORIGINS may call from a browser; others get no CORS headers.
    cors: (request) => {
      const origin = request.headers.get('origin');
      if (!origin || !isTrustedOrigin(origin, new URL(request.url).host)) return false as never;
      return {
        origin: [origin],
        credentials: true,
        allowedHeaders: ['content-type', 'authorization', 'x-graphql-yoga-csrf', 'x-request-id'],
        exposedHeaders: ['x-request-id'],
      };
    },
    logging: {
      debug: (...args) => logger.debug({ yoga: args }, 'yoga'),
      info: (...args) => logger.info({ yoga: args }, 'yoga'),
      warn: (...args) => logger.warn({ yoga: args }, 'yoga'),
      // A client's mistake (no session, bad input, a refused query) is not a server error.
      error: (...args) =>
        onlyClientErrors(args)
          ? logger.info({ yoga: args }, 'request refused')
          : logger.error({ yoga: args }, 'yoga'),
    },
    plugins: [
      useSecurityHeaders(),
      useHealthEndpoints(),
      useConsole(),
      useMetrics(),
      ...tracingPlugins(),
      ...(cfg.TRUSTED_DOCUMENTS
        ? [
            useTrustedDocuments(
              loadTrustedDocuments(cfg.TRUSTED_DOCUMENTS),
              cfg.TRUSTED_DOCUMENTS_ONLY,
            ),
          ]
        : []),
      useStixEndpoint(),
      useTaxiiEndpoint(),
      useImportEndpoints(),
      useAfterActionEndpoint(),
      useForumCalendarEndpoint(),
      useAttendeesCsvEndpoint(),
      useCookies(),
      useOidcEndpoints(),
      useExecutionCancellation(),
      maxTokensPlugin({ n: cfg.MAX_TOKENS }),
      maxDepthPlugin({ n: cfg.MAX_QUERY_DEPTH, ignoreIntrospection: true, ...refusedWithCode }),
      maxAliasesPlugin({ n: cfg.MAX_ALIASES, ...refusedWithCode }),
      maxDirectivesPlugin({ n: cfg.MAX_DIRECTIVES, ...refusedWithCode }),
      costLimitPlugin({
        maxCost: cfg.MAX_QUERY_COST,
        ignoreIntrospection: true,
        ...refusedWithCode,
      }),
      useCookieCsrfGuard(),
      useIntrospectionPolicy(cfg.INTROSPECTION),
      useInputGuard(),
      useRequestFacts(),
      useQueryTimeout(cfg.EXECUTION_TIMEOUT_MS),
      useAlertAnnouncer(),
    ],
  });
}

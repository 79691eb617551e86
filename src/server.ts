import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { config } from './config.js';
import { type ContextSource, findToken } from './context.js';
import { closeDatabase, databaseUnavailability } from './db.js';
import { closeLiveBus } from './live-bus.js';
import { logger } from './logger.js';
import { alertHub } from './modules/alerts/alert-hub.js';
import { stopCheckingSessions, watchSession } from './modules/auth/live-sessions.js';
import { validateSessionToken } from './modules/auth/session.service.js';
import { rememberListeningAddress } from './public-url.js';
import { newRequestFacts } from './request-log.js';
import { COMMON_HEADERS, DATA_POLICY } from './security-headers.js';
import { traceRequest } from './tracing.js';
import { buildYoga, isTrustedOrigin } from './yoga.js';

/** WebSocket close code 1013, "Try Again Later" (RFC 6455 registry): the database is away. */
export const TRY_AGAIN_LATER = 1013;

// HTTP and WebSocket start-up only: GraphQL over HTTP (GET, POST, SSE) and graphql-ws share
// the /graphql path; shutdown lets in-flight requests finish, then closes the database.

export interface App {
  start(): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

type EnvelopedArgs = ExecutionArgs & {
  rootValue: {
    execute: (args: ExecutionArgs) => unknown;
    subscribe: (args: ExecutionArgs) => unknown;
  };
};

/**
 * A refusal before the request reaches Yoga, in the shape its endpoint speaks: the import
 * endpoints' `{ error }` (docs/interoperability.md), GraphQL's `errors` everywhere else.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string) {
  res.writeHead(status, {
    'content-type': 'application/json',
    connection: 'close',
    ...COMMON_HEADERS,
    'content-security-policy': DATA_POLICY,
  });
  const importing = req.url?.startsWith('/import/') ?? false;
  res.end(
    JSON.stringify(
      importing
        ? { error: message }
        : { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] },
    ),
  );
}

export function buildApp(options: { port?: number; host?: string } = {}): App {
  const cfg = config();
  const yoga = buildYoga();
  const open = new Map<ServerResponse, { streaming: boolean }>();
  let stopping = false;

  const httpServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const requestId =
      typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    if (stopping) res.setHeader('connection', 'close');

    const length = Number(req.headers['content-length'] ?? 0);
    if (length > cfg.MAX_BODY_BYTES) {
      return refuse(
        req,
        res,
        413,
        `The request body is larger than ${cfg.MAX_BODY_BYTES.toLocaleString('en')} bytes (MAX_BODY_BYTES); an import takes at most that much.`,
      );
    }
    if (req.method === 'POST' && req.headers['content-length'] === undefined) {
      return refuse(req, res, 411, 'Send a Content-Length header with the request body.');
    }

    const facts = newRequestFacts();
    open.set(res, { streaming: (req.headers.accept ?? '').includes('text/event-stream') });
    res.on('close', () => {
      open.delete(res);
      logger.info(
        {
          requestId,
          method: req.method,
          path: req.url?.split('?')[0],
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
          ...(facts.operationType ? facts : {}),
        },
        'request',
      );
    });
    traceRequest(req, res, () => void yoga(req, res, { requestFacts: facts }));
  });

  const wsServer = new WebSocketServer({
    server: httpServer,
    path: yoga.graphqlEndpoint,
    maxPayload: cfg.MAX_BODY_BYTES,
  });

  useServer<Record<string, unknown>, { request: IncomingMessage }>(
    {
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
      // A connection that presents credentials must present valid ones; a cookie, which the
      // browser adds on its own, counts only from a trusted origin.
      onConnect: async (ctx) => {
        const source: ContextSource = {
          req: ctx.extra.request,
          connectionParams: ctx.connectionParams,
        };
        const { token, via } = findToken(source);
        if (!token) return true;
        if (via === 'cookie') {
          const origin = ctx.extra.request.headers.origin;
          if (!origin || !isTrustedOrigin(origin, ctx.extra.request.headers.host ?? null))
            return false;
        }
        let viewer: Awaited<ReturnType<typeof validateSessionToken>>;
        try {
          viewer = await validateSessionToken(token);
        } catch (error) {
          // The database is away: the client should come back, not give up (1013 Try Again Later).
          if (!databaseUnavailability(error)) throw error;
          ctx.extra.socket.close(TRY_AGAIN_LATER, 'Database unavailable: try again later');
          return false;
        }
        if (!viewer) return false;
        // The connection lives as long as its session: revoked, it is closed (within
        // LIVE_SESSION_CHECK_MS), and the client must sign in again.
        const unwatch = watchSession(viewer.sessionId, () =>
          ctx.extra.socket.close(4403, 'Session ended'),
        );
        ctx.extra.socket.once('close', unwatch);
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          connectionParams: ctx.connectionParams,
          params: payload,
        });
        const args: EnvelopedArgs = {
          schema,
          operationName: payload.operationName,
          document: parse(payload.query),
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length > 0) return errors;
        return args;
      },
    },
    wsServer,
  );

  return {
    start: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(options.port ?? cfg.PORT, options.host ?? cfg.HOST, () => {
          const { port } = httpServer.address() as AddressInfo;
          const host = options.host ?? cfg.HOST;
          const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          rememberListeningAddress(`http://${shown}:${port}`);
          resolve({ port, url: `http://${shown}:${port}${yoga.graphqlEndpoint}` });
        });
      }),

    stop: async () => {
      if (stopping) return;
      stopping = true;
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      // Live streams never finish on their own: end them, clients reconnect elsewhere.
      for (const client of wsServer.clients) client.close(1001, 'Server shutting down');
      for (const [res, { streaming }] of open) if (streaming) res.end();
      httpServer.closeIdleConnections();
      const grace = setTimeout(() => {
        logger.warn(
          { open: open.size },
          'shutdown grace period over: closing remaining connections',
        );
        httpServer.closeAllConnections();
      }, cfg.SHUTDOWN_GRACE_MS);
      await closed;
      clearTimeout(grace);
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await alertHub.stop();
      stopCheckingSessions();
      await closeLiveBus();
      await closeDatabase();
    },
  };
}

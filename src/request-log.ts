import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context.js';

// What the request log says of each GraphQL request beyond its method, path and status: the
// operation it ran and who ran it. The GraphQL layer notes them by request id; the HTTP layer,
// which writes the log line when the response closes, takes them back.

export interface RequestFacts {
  operationName: string | null;
  operationType: string | null;
  userId: string | null;
  agencyId: string | null;
}

const noted = new Map<string, RequestFacts>();

/** The facts noted for this request, once (they are forgotten as they are read). */
export function takeRequestFacts(requestId: string): RequestFacts | undefined {
  const facts = noted.get(requestId);
  noted.delete(requestId);
  return facts;
}

export function useRequestFacts(): Plugin<Context> {
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      // Only requests that come through the HTTP layer are logged by it (not WebSocket frames).
      if (!context.request) return;
      const operation = getOperationAST(args.document, args.operationName);
      noted.set(context.requestId, {
        operationName: args.operationName ?? operation?.name?.value ?? null,
        operationType: operation?.operation ?? null,
        userId: context.viewer?.userId ?? null,
        agencyId: context.viewer?.agencyId ?? null,
      });
    },
  };
}

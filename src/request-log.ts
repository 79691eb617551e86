import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context.js';

// What the request log says of each GraphQL request beyond its method, path and status: the
// operation it ran and who ran it. The HTTP layer hands an empty record to the request's context,
// the GraphQL layer fills it when the operation runs, and the HTTP layer writes it in its log
// line when the response closes.

export interface RequestFacts {
  operationName: string | null;
  operationType: string | null;
  userId: string | null;
  agencyId: string | null;
}

/** Facts the HTTP layer hands to the request's context, to be filled when the operation runs. */
export function newRequestFacts(): RequestFacts {
  return { operationName: null, operationType: null, userId: null, agencyId: null };
}

export function useRequestFacts(): Plugin<Context> {
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      // Only requests that come through the HTTP layer are logged by it (not WebSocket frames).
      const facts = context.requestFacts;
      if (!facts) return;
      const operation = getOperationAST(args.document, args.operationName);
      facts.operationName = args.operationName ?? operation?.name?.value ?? null;
      facts.operationType = operation?.operation ?? null;
      facts.userId = context.viewer?.userId ?? null;
      facts.agencyId = context.viewer?.agencyId ?? null;
    },
  };
}

import { decodeGlobalID } from '@pothos/plugin-relay';
import type { Plugin } from 'graphql-yoga';
import { createContext } from '../../context.js';
import { AppError, httpStatusOf } from '../../errors.js';
import { buildAfterActionReport } from './after-action.js';

// GET /operations/{id}/after-action.md and .json: the after-action report for people and tools
// that fetch over HTTP. Same session, same rules as `Operation.workspace.afterActionReport`;
// the language comes from ?locale=, else the account's preference, else Accept-Language.

const PATH = /^\/operations\/([^/]+)\/after-action\.(md|json)$/;

function operationIdOf(raw: string): string | null {
  const value = decodeURIComponent(raw);
  if (/^[0-9a-f-]{36}$/i.test(value)) return value;
  try {
    const { typename, id } = decodeGlobalID(value);
    return typename === 'Operation' && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
  } catch {
    return null;
  }
}

export function useAfterActionEndpoint(): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const match = PATH.exec(url.pathname);
      if (!match?.[1] || request.method !== 'GET') return;
      const respond = (body: string, status: number, type: string) =>
        endResponse(new fetchAPI.Response(body, { status, headers: { 'content-type': type } }));
      const error = (message: string, status: number) =>
        respond(JSON.stringify({ error: message }), status, 'application/json');
      const context = await createContext({ request });
      if (!context.viewer) {
        return error('Sign in first: send your session token as a Bearer header.', 401);
      }
      const operationId = operationIdOf(match[1]);
      if (!operationId) return error('Not an operation id.', 404);
      try {
        const report = await buildAfterActionReport(
          context,
          operationId,
          url.searchParams.get('locale'),
        );
        if (match[2] === 'md') respond(report.markdown, 200, 'text/markdown; charset=utf-8');
        else respond(JSON.stringify(report.json), 200, 'application/json');
      } catch (failure) {
        if (failure instanceof AppError) return error(failure.message, httpStatusOf(failure));
        context.log.error({ err: failure }, 'after-action report failed');
        error('Unexpected error.', 500);
      }
    },
  };
}

import { decodeGlobalID } from '@pothos/plugin-relay';
import type { Plugin } from 'graphql-yoga';
import { createContext } from '../../context.js';
import { AppError, httpStatusOf } from '../../errors.js';
import { stixBundle } from './stix.js';

// GET /stix/reports/{id}: the STIX 2.1 bundle of a report, for tools that fetch over HTTP
// (OpenCTI and MISP importers). Same session, same rules and same access log as the GraphQL field.

const PATH = /^\/stix\/reports\/([^/]+)$/;

function reportIdOf(raw: string): string | null {
  const value = decodeURIComponent(raw);
  if (/^[0-9a-f-]{36}$/i.test(value)) return value;
  try {
    const { typename, id } = decodeGlobalID(value);
    return typename === 'IntelReport' ? id : null;
  } catch {
    return null;
  }
}

export function useStixEndpoint(): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const match = PATH.exec(url.pathname);
      if (!match?.[1] || request.method !== 'GET') return;
      const json = (body: unknown, status: number, type = 'application/json') =>
        endResponse(
          new fetchAPI.Response(JSON.stringify(body), {
            status,
            headers: { 'content-type': type },
          }),
        );
      const reportId = reportIdOf(match[1]);
      const context = await createContext({ request });
      if (!context.viewer) {
        return json({ error: 'Sign in first: send your session token as a Bearer header.' }, 401);
      }
      if (!reportId) return json({ error: 'Not a report id.' }, 404);
      try {
        const bundle = await stixBundle(context, reportId);
        json(bundle, 200, 'application/stix+json;version=2.1');
      } catch (error) {
        if (error instanceof AppError) return json({ error: error.message }, httpStatusOf(error));
        context.log.error({ err: error }, 'STIX export failed');
        json({ error: 'Unexpected error.' }, 500);
      }
    },
  };
}

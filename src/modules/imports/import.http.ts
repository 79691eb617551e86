import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Plugin } from 'graphql-yoga';
import { type ContextSource, clientAddress } from '../../context.js';
import { AppError, httpStatusOf, ValidationError } from '../../errors.js';
import { type Tlp, Tlp as TlpValues } from '../../generated/prisma/enums.js';
import { logger } from '../../logger.js';
import { credentialFor } from '../credentials/api-credential.service.js';
import { importOptions, runImport } from './import.service.js';
import { ImportTooLargeError, readImportBody } from './import-document.js';
import { planMispEvent } from './misp-import.js';
import { planStixBundle } from './stix-import.js';

// POST /import/stix and /import/misp: the import for automation, signed in with an API
// credential that has the IMPORT scope (HTTP Basic or Bearer). A dry run unless `?dryRun=false`;
// the answer is the same outcome as the GraphQL mutations', with global ids.

const PLANNERS = { stix: planStixBundle, misp: planMispEvent } as const;

function answer(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

/** `?defaultTlp=AMBER` (or `amber`, `TLP:AMBER+STRICT`): a marking's name, as the API spells it. */
function defaultTlpParameter(value: string | null): Tlp | null {
  if (value === null || value === '') return null;
  const name = value.trim().toUpperCase().replace(/^TLP:/, '').replace('+', '_');
  if (!(Object.values(TlpValues) as string[]).includes(name)) {
    throw ValidationError.single(
      ['defaultTlp'],
      `must be one of ${Object.values(TlpValues)
        .filter((tlp) => tlp !== 'RED')
        .join(', ')}`,
    );
  }
  return name as Tlp;
}

export function useImportEndpoints(): Plugin {
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      const match = /^\/import\/(stix|misp)\/?$/.exec(url.pathname);
      if (!match) return;
      const refuse = (status: number, error: string) => endResponse(answer({ error }, status));
      if (request.method !== 'POST') return refuse(405, 'Send the document with POST.');
      const signedIn = await credentialFor(
        request.headers.get('authorization'),
        'IMPORT',
        clientAddress({ ...(serverContext as ContextSource), request }),
      );
      if (!('viewer' in signedIn)) {
        const wait = 'retryAfterSeconds' in signedIn ? signedIn.retryAfterSeconds : null;
        return endResponse(
          answer(
            { error: signedIn.reason },
            signedIn.status,
            wait ? { 'retry-after': String(wait) } : {},
          ),
        );
      }
      const { viewer } = signedIn;
      const dryRun = url.searchParams.get('dryRun') !== 'false';
      try {
        const options = importOptions(
          viewer,
          defaultTlpParameter(url.searchParams.get('defaultTlp')),
        );
        const document = await readImportBody(request);
        const plan = await PLANNERS[match[1] as keyof typeof PLANNERS](viewer, document, options);
        const outcome = await runImport(viewer, plan, { dryRun, ...options });
        endResponse(
          answer(
            {
              ...outcome,
              reports: outcome.reports.map(({ reportId, correlatedReportIds, ...report }) => ({
                ...report,
                reportId: reportId ? encodeGlobalID('IntelReport', reportId) : null,
                correlatedReportIds: correlatedReportIds.map((id) =>
                  encodeGlobalID('IntelReport', id),
                ),
              })),
            },
            dryRun ? 200 : 201,
          ),
        );
      } catch (error) {
        if (error instanceof ImportTooLargeError) return refuse(413, error.message);
        if (error instanceof AppError) return refuse(httpStatusOf(error), error.message);
        logger.error({ err: error }, 'import failed');
        refuse(500, 'Unexpected error.');
      }
    },
  };
}

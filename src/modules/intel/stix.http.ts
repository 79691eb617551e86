import type { Plugin } from 'graphql-yoga';
import { useExportEndpoint } from '../common/export-endpoint.js';
import { stixBundle } from './stix.js';

// GET /stix/reports/{id}: the STIX 2.1 bundle of a report, for tools that fetch over HTTP
// (OpenCTI and MISP importers). Same session, same rules and same access log as the GraphQL field.

export function useStixEndpoint(): Plugin {
  return useExportEndpoint({
    path: /^\/stix\/reports\/([^/]+)$/,
    typename: 'IntelReport',
    failure: 'STIX export failed',
    render: async (context, reportId) => ({
      body: JSON.stringify(await stixBundle(context, reportId)),
      type: 'application/stix+json;version=2.1',
    }),
  });
}

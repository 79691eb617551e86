import type { Plugin } from 'graphql-yoga';
import { exportFilename, useExportEndpoint } from '../common/export-endpoint.js';
import { stixBundle } from './stix.js';
import { EXTENSION_SCHEMA_PATH, extensionSchema } from './stix-extension.js';

// GET /stix/reports/{id}: the STIX 2.1 bundle of a report, for tools that fetch over HTTP
// (OpenCTI and MISP importers). Same session, same rules and same access log as the GraphQL field.
// GET /stix/extensions/{id}/schema.json: the JSON schema of IPNet's STIX extension, public like
// the extension definition that names it, so that any consumer can check what it received.

export function useStixEndpoint(): Plugin {
  const reports = useExportEndpoint({
    path: /^\/stix\/reports\/([^/]+)$/,
    typename: 'IntelReport',
    failure: 'STIX export failed',
    render: async (context, reportId) => {
      const bundle = await stixBundle(context, reportId);
      // Saved under the report's title, as the person who may read it knows it.
      const report = bundle.objects.find((object) => object.type === 'report');
      const title =
        report && 'name' in report && typeof report.name === 'string' ? report.name : '';
      return {
        body: JSON.stringify(bundle),
        type: 'application/stix+json;version=2.1',
        filename: exportFilename(title, `report-${reportId}`, 'stix.json'),
      };
    },
  });
  return {
    onRequest(payload) {
      if (payload.url.pathname === EXTENSION_SCHEMA_PATH && payload.request.method === 'GET') {
        return payload.endResponse(
          new payload.fetchAPI.Response(JSON.stringify(extensionSchema()), {
            status: 200,
            headers: {
              'content-type': 'application/schema+json',
              'cache-control': 'public, max-age=3600',
            },
          }),
        );
      }
      return reports.onRequest?.(payload);
    },
  };
}

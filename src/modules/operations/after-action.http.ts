import type { Plugin } from 'graphql-yoga';
import { useExportEndpoint } from '../common/export-endpoint.js';
import { buildAfterActionReport } from './after-action.js';

// GET /operations/{id}/after-action.md and .json: the after-action report for people and tools
// that fetch over HTTP. Same session, same rules as `Operation.workspace.afterActionReport`;
// the language comes from ?locale=, else the account's preference, else Accept-Language.

export function useAfterActionEndpoint(): Plugin {
  return useExportEndpoint({
    path: /^\/operations\/([^/]+)\/after-action\.(md|json)$/,
    typename: 'Operation',
    failure: 'after-action report failed',
    render: async (context, operationId, match, url) => {
      const report = await buildAfterActionReport(
        context,
        operationId,
        url.searchParams.get('locale'),
      );
      return match[2] === 'md'
        ? { body: report.markdown, type: 'text/markdown; charset=utf-8' }
        : { body: JSON.stringify(report.json), type: 'application/json' };
    },
  });
}

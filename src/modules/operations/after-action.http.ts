import type { Plugin } from 'graphql-yoga';
import { ValidationError } from '../../errors.js';
import { exportFilename, useExportEndpoint } from '../common/export-endpoint.js';
import { isLocale, LOCALES } from '../i18n/locale.js';
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
      const asked = url.searchParams.get('locale');
      if (asked !== null && !isLocale(asked)) {
        throw ValidationError.single(['locale'], `use ${LOCALES.join(', ')}`);
      }
      const report = await buildAfterActionReport(context, operationId, asked);
      const extension = match[2] === 'md' ? 'md' : 'json';
      const filename = exportFilename(
        `${report.json.operation.title} after-action`,
        `operation-${operationId}-after-action`,
        extension,
      );
      return extension === 'md'
        ? { body: report.markdown, type: 'text/markdown; charset=utf-8', filename }
        : { body: JSON.stringify(report.json), type: 'application/json', filename };
    },
  });
}

import { beforeAll, describe, expect, it } from 'vitest';
import { sqlStatements } from '../src/db.js';
import { gql, member } from './support/api.js';
import { publishedReport, uniqueContainer } from './support/intel.js';

// SQL statements per request do not grow with the page: every field a list offers costs the
// same number of statements for a page of 10 as for a page of 50. Counted, never timed.

async function statementsOf(run: () => Promise<{ errors?: unknown }>): Promise<number> {
  const before = sqlStatements.count;
  const result = await run();
  expect(result.errors).toBeUndefined();
  return sqlStatements.count - before;
}

describe('statements per list page', () => {
  let token: string;
  beforeAll(async () => {
    const author = await member(['ANALYST']);
    const reader = await member(['ANALYST']);
    token = reader.token;
    const shared = uniqueContainer();
    for (let i = 0; i < 55; i += 1) {
      await publishedReport(author.token, {
        title: `Report ${i}`,
        observables: [{ type: 'CONTAINER_NUMBER', value: i % 2 === 0 ? shared : uniqueContainer() }],
      });
    }
  }, 120_000);

  const REPORT_FIELDS: Record<string, string> = {
    'id only': 'id',
    author: 'author { id displayName }',
    authorAgency: 'authorAgency { id name }',
    observables: 'observables { type value }',
    correlations: 'correlations { report { id title } sharedObservables { type } }',
    sightingCounts: 'sightingCounts { total }',
    audience: 'audience { scope agencies { id } }',
  };

  for (const [name, fields] of Object.entries(REPORT_FIELDS)) {
    it(`intelReports: ${name}`, async () => {
      const page = (n: number) => () =>
        gql(`query($n: Int) { intelReports(first: $n) { edges { node { ${fields} } } } }`, { n }, { token });
      await page(10)(); // the session is looked up once, then remembered
      const ten = await statementsOf(page(10));
      const fifty = await statementsOf(page(50));
      expect({ ten, fifty }).toEqual({ ten, fifty: ten });
    });
  }
});

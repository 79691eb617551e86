import { beforeAll, describe, expect, it } from 'vitest';
import { sqlStatements } from '../src/db.js';
import { globalId, gql, member } from './support/api.js';
import { guest, openEvent, register } from './support/forums.js';
import { publishedReport, uniqueContainer } from './support/intel.js';
import { invite, propose } from './support/operations.js';

// SQL statements per request do not grow with the page: every field a list offers costs the
// same number of statements for a page of 10 as for a page of 50. Counted, never timed.

async function statementsOf(run: () => Promise<{ errors?: unknown }>): Promise<number> {
  const before = sqlStatements.count;
  const result = await run();
  expect(result.errors).toBeUndefined();
  return sqlStatements.count - before;
}

const ROWS = 55;

/** Statements for pages of 10 and of 50 of `list`, asking `fields` of each node. */
async function pages(token: string, list: string, fields: string) {
  const page = (n: number) => () =>
    gql(`query($n: Int) { ${list}(first: $n) { edges { node { ${fields} } } } }`, { n }, { token });
  await page(10)(); // the session is looked up once, then remembered
  return { ten: await statementsOf(page(10)), fifty: await statementsOf(page(50)) };
}

describe('statements per list page do not depend on its size', () => {
  let analyst: Awaited<ReturnType<typeof member>>;
  let reader: Awaited<ReturnType<typeof member>>;
  let coordinator: Awaited<ReturnType<typeof member>>;
  let organizer: Awaited<ReturnType<typeof member>>;

  beforeAll(async () => {
    [analyst, reader, coordinator, organizer] = await Promise.all([
      member(['ANALYST']),
      member(['ANALYST', 'COORDINATOR']),
      member(['COORDINATOR']),
      member(['ORGANIZER']),
    ]);
    const shared = uniqueContainer();
    for (let i = 0; i < ROWS; i += 1) {
      await publishedReport(analyst.token, {
        title: `Report ${i}`,
        observables: [
          { type: 'CONTAINER_NUMBER', value: i % 2 === 0 ? shared : uniqueContainer() },
        ],
      });
      const operation = await propose(coordinator.token);
      await invite(coordinator.token, operation.id, [
        { agencyId: globalId('Agency', reader.agency.id), role: 'PARTICIPANT' },
      ]);
      const eventId = await openEvent(organizer.token, { visibility: 'NETWORK' });
      await register(null, eventId, { guest: guest() });
    }
  }, 300_000);

  const cases: [string, () => Awaited<ReturnType<typeof member>>, string, string][] = [
    ['reports', () => reader, 'intelReports', 'id'],
    ['reports: author', () => analyst, 'intelReports', 'author { id displayName }'],
    ['reports: author agency', () => reader, 'intelReports', 'authorAgency { id name }'],
    ['reports: observables', () => reader, 'intelReports', 'observables { type value }'],
    [
      'reports: correlations',
      () => reader,
      'intelReports',
      'correlations { report { id title author { id } } sharedObservables { type } }',
    ],
    ['reports: sighting counts', () => reader, 'intelReports', 'sightingCounts { total }'],
    ['reports: audience', () => analyst, 'intelReports', 'audience { scope agencies { id } }'],
    ['operations: lead agency', () => reader, 'operations', 'id leadAgency { name }'],
    ['operations: my participation', () => reader, 'operations', 'myParticipation { role }'],
    [
      'operations: participants',
      () => coordinator,
      'operations',
      'workspace { participants { role agency { name } } }',
    ],
    ['events: organizer agency', () => reader, 'forumEvents', 'id organizerAgency { name }'],
    ['events: my registration', () => reader, 'forumEvents', 'myRegistration { status }'],
    [
      'events: registrations',
      () => organizer,
      'forumEvents',
      'registrations(first: 5) { totalCount edges { node { name agency { name } } } }',
    ],
    ['events: seats', () => reader, 'forumEvents', 'seats { available }'],
    [
      'alerts: subjects',
      () => reader,
      'alerts',
      'kind report { id title } operation { id codeName } forumEvent { id } originAgency { name }',
    ],
  ];

  for (const [name, viewer, list, fields] of cases) {
    it(name, async () => {
      const counts = await pages(viewer().token, list, fields);
      expect(counts.fifty, `${counts.ten} statements for 10, ${counts.fifty} for 50`).toBe(
        counts.ten,
      );
    });
  }
});

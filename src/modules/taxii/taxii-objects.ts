import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Viewer } from '../../context.js';
import { prisma } from '../../db.js';
import type {
  Agency,
  IntelObservable,
  IntelReport,
  IntelReportVersion,
  IntelSighting,
  Prisma,
} from '../../generated/prisma/client.js';
import type { Tlp } from '../../generated/prisma/enums.js';
import { isUuid } from '../../input-guard.js';
import { derivedKey } from '../../sealed-secrets.js';
import { markingsUpTo } from '../credentials/api-credential.service.js';
import { recordAccess } from '../intel/access-log.js';
import {
  identityObject,
  observableObject,
  type ReportState,
  reportCommon,
  reportObject,
  sightingObject,
  stixTime,
  tlpMarkingObject,
} from '../intel/stix.js';
import { type Collection, sharedReportsWhere } from './taxii-collections.js';

// The objects of a TAXII collection, in the order they were added, page by page. A collection
// is the merge of five streams, each read from its table in (time added, id) order:
//   0. the TLP 2.0 marking definitions the credential may receive;
//   1. agencies, as identities (added again when an agency changes);
//   2. reports at their first shared version (publication), with their observables;
//   3. reports at each later version (a change, added observables, the retraction: revoked);
//   4. sightings of those reports.
// So a client that pulls from the start receives every marking and identity before the objects
// that refer to them, and one that pulls `added_after` its last pull receives what changed.
// A report's earlier versions are rebuilt from its recorded changes, undone from the newest.

export type StixObject = { type: string; id: string } & Record<string, unknown>;

/** One object in a page, with what the manifest tells of it. */
export interface Delivered {
  object: StixObject;
  dateAdded: Date;
  version: string;
}

/** A position in a collection: the entry to resume at, and how many of its objects were sent. */
interface Position {
  at: Date;
  stream: number;
  key: string;
  offset: number;
}

export interface ObjectQuery {
  addedAfter: Date | null;
  limit: number;
  next: Position | null;
  ids: string[] | null;
  types: string[] | null;
  /** `last`, `first`, `all`, or version timestamps (ISO). */
  versions: string[];
  specVersions: string[] | null;
}

export interface ObjectPage {
  objects: Delivered[];
  more: boolean;
  next: string | null;
}

/** When the OASIS TLP 2.0 marking definitions were published: their time added here. */
const MARKINGS_ADDED = new Date('2022-10-01T00:00:00.000Z');
const BATCH = 100;
/**
 * Entries one request looks at, at most: a filter that few objects pass (an indicator's id)
 * ends its page early, with `more` and the place to go on from, instead of reading the whole
 * collection in one request.
 */
const SCAN_BUDGET = 2_000;

/** Object types each stream yields, for `match[type]`. */
const STREAM_TYPES: readonly (readonly string[])[] = [
  ['marking-definition'],
  ['identity'],
  ['report', 'indicator', 'domain-name', 'url', 'email-addr'],
  ['report', 'indicator', 'domain-name', 'url', 'email-addr'],
  ['sighting'],
];

interface Entry {
  stream: number;
  key: string;
  at: Date;
  /** Whether the entry's object versions pass `match[version]`. */
  version: { first: boolean; last: boolean; modified: Date };
  objects: StixObject[];
  /** The report it shares, for the access log (reports only). */
  report?: { id: string; tlp: Tlp; authorAgencyId: string };
}

/**
 * What a cursor is bound to: the credential (or person) and the collection it was written for.
 * A cursor of one credential or collection is not read for another.
 */
export function cursorScope(viewer: Viewer, collection: Collection): string {
  return `${viewer.credential ? `credential:${viewer.credential.id}` : `user:${viewer.userId}`}/${collection.id}`;
}

function cursorMac(payload: string, scope: string): Buffer {
  return createHmac('sha256', derivedKey('taxii-cursors')).update(`${scope}\n${payload}`).digest();
}

/** A `next` token: the position, and an HMAC over it and its scope (`<payload>.<mac>`). */
function encodePosition(position: Position, scope: string): string {
  const payload = Buffer.from(
    JSON.stringify([position.at.toISOString(), position.stream, position.key, position.offset]),
  ).toString('base64url');
  return `${payload}.${cursorMac(payload, scope).toString('base64url')}`;
}

/**
 * A `next` token back into a position; null unless this server wrote it for this scope. Only
 * then is it parsed, so a forged position (a year before 1, a key that is no id) never reaches
 * the database.
 */
export function decodePosition(token: string, scope: string): Position | null {
  const [payload, mac, ...rest] = token.split('.');
  if (!payload || !mac || rest.length > 0 || token.length > 1000) return null;
  const given = Buffer.from(mac, 'base64url');
  const expected = cursorMac(payload, scope);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const [at, stream, key, offset] = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    );
    const date = new Date(at);
    if (
      typeof at !== 'string' ||
      Number.isNaN(date.getTime()) ||
      !Number.isInteger(stream) ||
      stream < 0 ||
      stream >= STREAM_TYPES.length ||
      typeof key !== 'string' ||
      key.length > 200 ||
      !Number.isInteger(offset) ||
      offset < 0
    ) {
      return null;
    }
    return { at: date, stream, key, offset };
  } catch {
    return null;
  }
}

/**
 * Where a stream resumes: after `added_after`, and at or after the position, an entry of an
 * earlier stream at the same instant having been sent already.
 */
function resumeWhere(stream: number, query: ObjectQuery, timeField: string, keyField = 'id') {
  const and: Record<string, unknown>[] = [];
  if (query.addedAfter) and.push({ [timeField]: { gt: query.addedAfter } });
  const position = query.next;
  if (position) {
    if (stream < position.stream) and.push({ [timeField]: { gt: position.at } });
    else if (stream > position.stream) and.push({ [timeField]: { gte: position.at } });
    else {
      and.push({
        OR: [
          { [timeField]: { gt: position.at } },
          { [timeField]: position.at, [keyField]: { gte: position.key } },
        ],
      });
    }
  }
  return and;
}

/** Ids in `match[id]` of one STIX type, as database ids; null when the filter names none. */
function idsOfType(query: ObjectQuery, type: string): string[] | null {
  if (!query.ids) return null;
  return query.ids
    .filter((id) => id.startsWith(`${type}--`))
    .map((id) => id.slice(type.length + 2))
    .filter(isUuid);
}

type FullReport = IntelReport & {
  observables: IntelObservable[];
  versions: Pick<IntelReportVersion, 'version' | 'changedAt' | 'changes'>[];
};

const REPORT_INCLUDE = {
  observables: { orderBy: [{ type: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] },
  versions: {
    select: { version: true, changedAt: true, changes: true },
    orderBy: { version: 'desc' },
  },
} satisfies Prisma.IntelReportInclude;

/** Fields of the report row its STIX object shows; changes to others are not undone. */
const RENDERED_FIELDS: ReadonlySet<string> = new Set([
  'title',
  'summary',
  'language',
  'category',
  'ipRight',
  'brands',
  'infoCredibility',
  'sourceReliability',
  'tlp',
  'pap',
  'hsCode',
  'observedCountry',
  'estimatedValue',
  'currency',
  'retractionReason',
]);

/** The report as it stood at `version`: its later changes undone, newest first. */
function stateAt(report: FullReport, version: number): ReportState {
  const state: ReportState = { ...report };
  const fields = state as unknown as Record<string, unknown>;
  for (const change of report.versions) {
    if (change.version <= version) break;
    const changes = (change.changes ?? {}) as Record<string, { from?: unknown } | undefined>;
    for (const [field, value] of Object.entries(changes)) {
      if (RENDERED_FIELDS.has(field) && value && 'from' in value) fields[field] = value.from;
    }
  }
  // Only the last version of a retracted report is the retraction.
  if (version < report.version) state.status = 'PUBLISHED';
  return state;
}

function reportEntry(
  viewer: Viewer,
  report: FullReport,
  version: number,
  at: Date,
  stream: number,
  key: string,
): Entry | null {
  const state = stateAt(report, version);
  // A version marked above what the credential may receive stays here, as the report would.
  if (!markingsUpTo(viewer.credential?.tlpCeiling ?? 'CLEAR').includes(state.tlp)) return null;
  const latest = version === report.version;
  const common = reportCommon(state);
  // Observables carried at that version: all of them at the latest, those added by then before.
  const observables = report.observables
    .filter((o) => latest || o.createdAt <= at)
    .map((o) => observableObject(o, o.createdAt, common));
  return {
    stream,
    key,
    at,
    version: { first: version === 1, last: latest, modified: at },
    objects: [
      reportObject(
        state,
        observables.map((o) => o.id),
        at,
      ),
      ...observables,
    ],
    report: { id: report.id, tlp: report.tlp, authorAgencyId: report.authorAgencyId },
  };
}

type Stream = (after: Entry | null) => Promise<Entry[]>;

function streamsFor(
  viewer: Viewer,
  collection: Collection,
  query: ObjectQuery,
  batch: number,
): Stream[] {
  const reports = sharedReportsWhere(viewer, collection);
  const allowed = markingsUpTo(viewer.credential?.tlpCeiling ?? 'CLEAR');
  const reportIds = idsOfType(query, 'report');
  const onlyReports: Prisma.IntelReportWhereInput = reportIds ? { id: { in: reportIds } } : {};
  // Rows after the last entry of the previous batch (same stream: time, then key).
  const after = (last: Entry | null, timeField: string) =>
    last
      ? [
          {
            OR: [{ [timeField]: { gt: last.at } }, { [timeField]: last.at, id: { gt: last.key } }],
          },
        ]
      : [];

  const markings: Stream = async (last) => {
    if (last) return [];
    const markingIds = query.ids?.filter((id) => id.startsWith('marking-definition--'));
    const position = query.next;
    return allowed
      .map((tlp) => tlpMarkingObject(tlp))
      .filter((m) => !markingIds || markingIds.includes(m.id))
      .filter(() => !query.addedAfter || MARKINGS_ADDED > query.addedAfter)
      .filter(
        (m) =>
          !position ||
          MARKINGS_ADDED > position.at ||
          (MARKINGS_ADDED.getTime() === position.at.getTime() &&
            position.stream === 0 &&
            m.id >= position.key),
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((m) => ({
        stream: 0,
        key: m.id,
        at: MARKINGS_ADDED,
        version: { first: true, last: true, modified: new Date(m.created) },
        objects: [m],
      }));
  };

  const identities: Stream = async (last) => {
    const ids = idsOfType(query, 'identity');
    const rows: Agency[] = await prisma.agency.findMany({
      where: {
        AND: [
          ...(ids ? [{ id: { in: ids } }] : []),
          ...resumeWhere(1, query, 'updatedAt'),
          ...after(last, 'updatedAt'),
        ],
      },
      orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
      take: batch,
    });
    return rows.map((agency) => ({
      stream: 1,
      key: agency.id,
      at: agency.updatedAt,
      version: { first: true, last: true, modified: agency.updatedAt },
      objects: [identityObject(agency)],
    }));
  };

  const firstVersions: Stream = async (last) => {
    const rows = await prisma.intelReport.findMany({
      where: {
        AND: [
          reports,
          onlyReports,
          { publishedAt: { not: null } },
          ...resumeWhere(2, query, 'publishedAt'),
          ...after(last, 'publishedAt'),
        ],
      },
      include: REPORT_INCLUDE,
      orderBy: [{ publishedAt: 'asc' }, { id: 'asc' }],
      take: batch,
    });
    return rows.map((report) => {
      const at = report.publishedAt as Date;
      // An entry that the ceiling holds back still moves the stream on.
      return reportEntry(viewer, report, 1, at, 2, report.id) ?? skipped(2, report.id, at);
    });
  };

  const laterVersions: Stream = async (last) => {
    const rows = await prisma.intelReportVersion.findMany({
      where: {
        AND: [
          { report: { AND: [reports, onlyReports] } },
          ...resumeWhere(3, query, 'changedAt'),
          ...after(last, 'changedAt'),
        ],
      },
      include: { report: { include: REPORT_INCLUDE } },
      orderBy: [{ changedAt: 'asc' }, { id: 'asc' }],
      take: batch,
    });
    return rows.map(
      (row) =>
        reportEntry(viewer, row.report, row.version, row.changedAt, 3, row.id) ??
        skipped(3, row.id, row.changedAt),
    );
  };

  const sightings: Stream = async (last) => {
    const ids = idsOfType(query, 'sighting');
    const rows: (IntelSighting & { report: Pick<IntelReport, 'id' | 'tlp'> })[] =
      await prisma.intelSighting.findMany({
        where: {
          AND: [
            { report: { AND: [reports, onlyReports] } },
            ...(ids ? [{ id: { in: ids } }] : []),
            ...resumeWhere(4, query, 'createdAt'),
            ...after(last, 'createdAt'),
          ],
        },
        include: { report: { select: { id: true, tlp: true } } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: batch,
      });
    return rows.map((s) => ({
      stream: 4,
      key: s.id,
      at: s.createdAt,
      version: { first: true, last: true, modified: s.createdAt },
      objects: [sightingObject(s, s.report.id, s.report.tlp)],
    }));
  };

  return [markings, identities, firstVersions, laterVersions, sightings];
}

/** An entry with nothing to send, so that a stream still advances past its row. */
function skipped(stream: number, key: string, at: Date): Entry {
  return { stream, key, at, version: { first: false, last: false, modified: at }, objects: [] };
}

/** Which streams a query can draw from at all. */
function streamWanted(stream: number, query: ObjectQuery): boolean {
  if (query.specVersions && !query.specVersions.includes('2.1')) return false;
  const types = STREAM_TYPES[stream] ?? [];
  if (query.types && !types.some((t) => query.types?.includes(t))) return false;
  if (query.ids && !query.ids.some((id) => types.some((t) => id.startsWith(`${t}--`))))
    return false;
  return true;
}

function versionPasses(entry: Entry, versions: string[]): boolean {
  if (versions.includes('all')) return true;
  if (versions.includes('last') && entry.version.last) return true;
  if (versions.includes('first') && entry.version.first) return true;
  const modified = entry.version.modified.getTime();
  return versions.some((v) => v !== 'last' && v !== 'first' && new Date(v).getTime() === modified);
}

function objectPasses(object: StixObject, query: ObjectQuery): boolean {
  if (query.types && !query.types.includes(object.type)) return false;
  if (query.ids && !query.ids.includes(object.id)) return false;
  return true;
}

/** An object's version as the manifest states it: modified, else created, else time added. */
function versionOf(object: StixObject, dateAdded: Date): string {
  const stamp = object.modified ?? object.created;
  return typeof stamp === 'string' ? stamp : stixTime(dateAdded);
}

const compare = (a: Entry, b: Entry) =>
  a.at.getTime() - b.at.getTime() || a.stream - b.stream || (a.key < b.key ? -1 : 1);

/**
 * One page of a collection for a viewer: the objects it may receive, `limit` at most, in the
 * order added, and where the next page starts. The reports in it are written to the access log
 * as exports.
 */
export async function collectionPage(
  context: Context,
  viewer: Viewer,
  collection: Collection,
  query: ObjectQuery,
): Promise<ObjectPage> {
  // Every entry holds at least one object, so limit + 1 rows a stream fill a page and tell more.
  const batch = Math.min(BATCH, query.limit + 1);
  const streams = streamsFor(viewer, collection, query, batch);
  const buffers = streams.map(() => [] as Entry[]);
  const finished = streams.map((_, i) => !streamWanted(i, query));
  const lastRead: (Entry | null)[] = streams.map(() => null);

  async function head(i: number): Promise<Entry | null> {
    const buffer = buffers[i] as Entry[];
    if (buffer.length === 0 && !finished[i]) {
      const rows = await (streams[i] as Stream)(lastRead[i] ?? null);
      if (rows.length < batch) finished[i] = true;
      const lastOfBatch = rows.at(-1);
      if (lastOfBatch) lastRead[i] = lastOfBatch;
      buffer.push(...rows);
    }
    return buffer[0] ?? null;
  }

  const delivered: Delivered[] = [];
  const shared = new Map<string, { id: string; tlp: Tlp; authorAgencyId: string }>();
  let next: Position | null = null;
  let examined = 0;
  for (;;) {
    const heads = await Promise.all(streams.map((_, i) => head(i)));
    let pick = -1;
    for (const [i, entry] of heads.entries()) {
      const best = pick >= 0 ? heads[pick] : null;
      if (entry && (!best || compare(entry, best) < 0)) pick = i;
    }
    const entry = pick >= 0 ? heads[pick] : null;
    if (!entry) break;
    examined += 1;
    if (examined > SCAN_BUDGET) {
      next = { at: entry.at, stream: entry.stream, key: entry.key, offset: 0 };
      break;
    }
    const objects = versionPasses(entry, query.versions)
      ? entry.objects.filter((o) => objectPasses(o, query))
      : [];
    const resumed =
      query.next &&
      query.next.stream === entry.stream &&
      query.next.key === entry.key &&
      query.next.at.getTime() === entry.at.getTime();
    const offset = resumed ? (query.next?.offset ?? 0) : 0;
    const sending = objects.slice(offset, offset + query.limit - delivered.length);
    for (const object of sending) {
      delivered.push({ object, dateAdded: entry.at, version: versionOf(object, entry.at) });
    }
    if (entry.report && sending.length > 0) shared.set(entry.report.id, entry.report);
    if (offset + sending.length < objects.length) {
      // The page filled inside this entry: the next page resumes within it.
      next = {
        at: entry.at,
        stream: entry.stream,
        key: entry.key,
        offset: offset + sending.length,
      };
      break;
    }
    (buffers[pick] as Entry[]).shift();
    if (delivered.length >= query.limit) {
      const following = (await Promise.all(streams.map((_, i) => head(i))))
        .filter((e): e is Entry => e !== null)
        .sort(compare)[0];
      if (following) {
        next = { at: following.at, stream: following.stream, key: following.key, offset: 0 };
      }
      break;
    }
  }
  await Promise.all([...shared.values()].map((report) => recordAccess(context, report, 'EXPORT')));
  return {
    objects: delivered,
    more: next !== null,
    next: next ? encodePosition(next, cursorScope(viewer, collection)) : null,
  };
}

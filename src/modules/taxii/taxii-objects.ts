import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from '../../context.js';
import { prisma } from '../../db.js';
import type {
  Agency,
  IntelObservable,
  IntelReport,
  IntelReportVersion,
  IntelSighting,
  Prisma,
} from '../../generated/prisma/client.js';
import { ObservableType, type Tlp } from '../../generated/prisma/enums.js';
import { isUuid } from '../../input-guard.js';
import { derivedKey } from '../../sealed-secrets.js';
import type { Viewer } from '../auth/viewer.js';
import { markingsUpTo } from '../credentials/api-credential.service.js';
import { recordAccess } from '../intel/access-log.js';
import { observableHash } from '../intel/observables.js';
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
import { extensionDefinitionObject, networkIdentityObject } from '../intel/stix-extension.js';
import { type Collection, sharedReportsWhere } from './taxii-collections.js';

// The objects of a TAXII collection, in the order they were added, page by page. A collection
// is the merge of five streams, each read from its table in (time added, id) order:
//   0. the network's identity and IPNet's extension definition (stix-extension.ts), then the
//      TLP 2.0 marking definitions the credential may receive;
//   1. agencies, as identities (added again when an agency changes);
//   2. reports at their first shared version (publication), with their observables;
//   3. reports at each later version (a change, added observables, the retraction: revoked);
//   4. sightings of those reports.
// So a client that pulls from the start receives every marking and identity before the objects
// that refer to them, and one that pulls `added_after` its last pull receives what changed.
// A report's earlier versions are rebuilt from its recorded changes, undone from the newest.
//
// Indicators and SCOs have one version each, and one object may be carried by many entries (an
// indicator by every version of its report, an SCO by every report naming its value). Each is
// added once: with the latest version of its report (an indicator), or with the latest report
// version, among those the reader receives, of the reports naming it (an SCO). So every id is
// listed once under `last` and `first`, and every version once under `all`.

export type StixObject = { type: string; id: string } & Record<string, unknown>;

/** One object in a page, with what the manifest tells of it. */
export interface Delivered {
  object: StixObject;
  dateAdded: Date;
  version: string;
}

/** Where an entry stands in a collection: time added, then stream, then key. */
interface Place {
  at: Date;
  stream: number;
  key: string;
}

/** A position in a collection: the entry to resume at, and how many of its objects were sent. */
interface Position extends Place {
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

/** The observable types whose SCO each SCO type is (a listing is a URL too). */
const SCO_SOURCES: Readonly<Record<string, readonly ObservableType[]>> = {
  'domain-name': ['DOMAIN'],
  url: ['WEBSITE_URL', 'MARKETPLACE_LISTING'],
  'email-addr': ['EMAIL'],
};
const SCO_SOURCE_TYPES = new Set(Object.values(SCO_SOURCES).flat());
/** The observable types rendered as indicators: all the others. */
const INDICATOR_SOURCES = Object.values(ObservableType).filter((t) => !SCO_SOURCE_TYPES.has(t));
/** An observable's STIX id depends on its report, type and value only. */
const NO_TIME = new Date(0);

/** Object types each stream yields, for `match[type]`. */
const STREAM_TYPES: readonly (readonly string[])[] = [
  ['marking-definition', 'identity', 'extension-definition'],
  ['identity'],
  ['report', 'indicator', 'domain-name', 'url', 'email-addr'],
  ['report', 'indicator', 'domain-name', 'url', 'email-addr'],
  ['sighting'],
];

/** One object of an entry, with what `match[version]` is compared with. */
interface Item {
  object: StixObject;
  version: { first: boolean; last: boolean; modified: Date };
  /** The observable an SCO renders (its value as stored), to find the reports naming it. */
  source?: { type: ObservableType; value: string };
}

interface Entry extends Place {
  items: Item[];
  /** The report it shares, for the access log (reports only). */
  report?: { id: string; tlp: Tlp; authorAgencyId: string };
}

/** The items of an entry of one object with one version. */
const only = (object: StixObject, modified: Date): Item[] => [
  { object, version: { first: true, last: true, modified } },
];

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
  const carried = report.observables.filter((o) => latest || o.createdAt <= at);
  const observables = carried.map((o) => observableObject(o, o.createdAt, common));
  const items: Item[] = [
    {
      object: reportObject(
        state,
        observables.map((o) => o.id),
        at,
        viewer.agencyId,
      ),
      version: { first: version === 1, last: latest, modified: at },
    },
  ];
  // What it carries is added with its latest version only (and an SCO may be moved on further,
  // to a later report naming it: keepLastCarriers).
  if (latest) {
    for (const [i, object] of observables.entries()) {
      const source = carried[i] as IntelObservable;
      const isSco = SCO_SOURCE_TYPES.has(source.type);
      items.push({
        object,
        version: { first: true, last: true, modified: isSco ? at : source.createdAt },
        ...(isSco ? { source: { type: source.type, value: source.value } } : {}),
      });
    }
  }
  return {
    stream,
    key,
    at,
    items,
    report: { id: report.id, tlp: report.tlp, authorAgencyId: report.authorAgencyId },
  };
}

/**
 * Keeps each SCO of these entries only in the entry that adds it to the collection: the last,
 * in collection order, of the latest report versions naming its value among the reports the
 * reader receives (`reports`); reports the reader does not receive are never looked at. One
 * read for the whole batch, through the index of observable values.
 */
async function keepLastCarriers(
  entries: Entry[],
  reports: Prisma.IntelReportWhereInput,
): Promise<void> {
  const scos = entries.flatMap((entry) =>
    entry.items.filter((item) => item.source).map((item) => ({ entry, item })),
  );
  if (scos.length === 0) return;
  const hashes = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const { item } of scos) {
    for (const type of SCO_SOURCES[item.object.type] ?? []) {
      const hash = observableHash(type, item.source?.value ?? '');
      hashes.set(Buffer.from(hash).toString('hex'), hash);
    }
  }
  const valueHash = { in: [...hashes.values()] };
  const carriers = await prisma.intelReport.findMany({
    where: {
      AND: [reports, { publishedAt: { not: null } }, { observables: { some: { valueHash } } }],
    },
    select: {
      id: true,
      publishedAt: true,
      observables: {
        where: { valueHash, type: { in: [...SCO_SOURCE_TYPES] } },
        select: { id: true, reportId: true, type: true, value: true },
      },
      versions: LATEST_CHANGE,
    },
  });
  const lastPlace = new Map<string, Place>();
  for (const report of carriers) {
    const place = latestPlace(report);
    for (const observable of report.observables) {
      const id = observableObject(observable, NO_TIME, {}).id;
      const known = lastPlace.get(id);
      if (!known || compare(known, place) < 0) lastPlace.set(id, place);
    }
  }
  for (const { entry, item } of scos) {
    const place = lastPlace.get(item.object.id);
    const here =
      place &&
      place.at.getTime() === entry.at.getTime() &&
      place.stream === entry.stream &&
      place.key === entry.key;
    if (place && !here) entry.items = entry.items.filter((i) => i !== item);
  }
}

const LATEST_CHANGE = {
  select: { id: true, changedAt: true },
  orderBy: { version: 'desc' },
  take: 1,
} satisfies Prisma.IntelReport$versionsArgs;

/** Where a report's latest version stands: its last change, else its publication. */
function latestPlace(report: {
  id: string;
  publishedAt: Date | null;
  versions: { id: string; changedAt: Date }[];
}): Place {
  const change = report.versions[0];
  return change
    ? { at: change.changedAt, stream: 3, key: change.id }
    : { at: report.publishedAt as Date, stream: 2, key: report.id };
}

const typeOf = (id: string) => id.slice(0, Math.max(0, id.indexOf('--')));

/**
 * For `match[id]` (and Get an Object) naming indicators or SCOs: the reports of the view whose
 * latest versions add them (an indicator's report; for an SCO, the last of the reports naming
 * it), so that only those reports' entries are read. Their ids derive from their values, so the
 * view's observables of those types are read (report, type and value only) and their ids
 * compared. Null when the query names no such object.
 */
async function reportsCarrying(
  query: ObjectQuery,
  reports: Prisma.IntelReportWhereInput,
): Promise<string[] | null> {
  const wanted = new Set(
    (query.ids ?? []).filter((id) => typeOf(id) === 'indicator' || SCO_SOURCES[typeOf(id)]),
  );
  if (wanted.size === 0) return null;
  const types = new Set<ObservableType>();
  for (const id of wanted) {
    for (const type of SCO_SOURCES[typeOf(id)] ?? INDICATOR_SOURCES) types.add(type);
  }
  const rows = await prisma.intelObservable.findMany({
    where: { type: { in: [...types] }, report: { AND: [reports, { publishedAt: { not: null } }] } },
    select: { id: true, reportId: true, type: true, value: true },
  });
  const found = new Set<string>();
  const scoReports = new Map<string, string[]>();
  for (const row of rows) {
    const id = observableObject(row, NO_TIME, {}).id;
    if (!wanted.has(id)) continue;
    if (!SCO_SOURCE_TYPES.has(row.type)) found.add(row.reportId);
    else scoReports.set(id, [...(scoReports.get(id) ?? []), row.reportId]);
  }
  if (scoReports.size > 0) {
    const latest = await prisma.intelReport.findMany({
      where: { id: { in: [...new Set([...scoReports.values()].flat())] } },
      select: { id: true, publishedAt: true, versions: LATEST_CHANGE },
    });
    const places = new Map(latest.map((report) => [report.id, latestPlace(report)]));
    for (const reportIds of scoReports.values()) {
      const last = reportIds.reduce((a, b) =>
        compare(places.get(a) as Place, places.get(b) as Place) < 0 ? b : a,
      );
      found.add(last);
    }
  }
  return [...found];
}

type Stream = (after: Entry | null) => Promise<Entry[]>;

function streamsFor(
  viewer: Viewer,
  reports: Prisma.IntelReportWhereInput,
  carrying: string[] | null,
  query: ObjectQuery,
  batch: number,
): Stream[] {
  const allowed = markingsUpTo(viewer.credential?.tlpCeiling ?? 'CLEAR');
  // With match[id], the reports named and those carrying the indicators and SCOs named only.
  const reportIds = query.ids ? [...(idsOfType(query, 'report') ?? []), ...(carrying ?? [])] : null;
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
    const position = query.next;
    // The extension's definer first, then the definition: keys that sort before the markings'.
    const standing: { key: string; object: StixObject }[] = [
      { key: '0:network-identity', object: networkIdentityObject() },
      { key: '1:ipnet-extension', object: extensionDefinitionObject() },
      ...allowed.map((tlp) => {
        const marking = tlpMarkingObject(tlp);
        return { key: marking.id, object: marking };
      }),
    ];
    return standing
      .filter(({ object }) => !query.ids || query.ids.includes(object.id))
      .filter(() => !query.addedAfter || MARKINGS_ADDED > query.addedAfter)
      .filter(
        ({ key }) =>
          !position ||
          MARKINGS_ADDED > position.at ||
          (MARKINGS_ADDED.getTime() === position.at.getTime() &&
            position.stream === 0 &&
            key >= position.key),
      )
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map(({ key, object }) => ({
        stream: 0,
        key,
        at: MARKINGS_ADDED,
        items: only(object, new Date(String(object.modified ?? object.created))),
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
      items: only(identityObject(agency), agency.updatedAt),
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
    const entries = rows.map((report) => {
      const at = report.publishedAt as Date;
      // An entry that the ceiling holds back still moves the stream on.
      return reportEntry(viewer, report, 1, at, 2, report.id) ?? skipped(2, report.id, at);
    });
    if (scosWanted(query)) await keepLastCarriers(entries, reports);
    return entries;
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
    const entries = rows.map(
      (row) =>
        reportEntry(viewer, row.report, row.version, row.changedAt, 3, row.id) ??
        skipped(3, row.id, row.changedAt),
    );
    if (scosWanted(query)) await keepLastCarriers(entries, reports);
    return entries;
  };

  const sightings: Stream = async (last) => {
    const ids = idsOfType(query, 'sighting');
    const rows: (IntelSighting & { report: Pick<IntelReport, 'id' | 'tlp'> })[] =
      await prisma.intelSighting.findMany({
        where: {
          AND: [
            { report: reports },
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
      items: only(sightingObject(s, s.report.id, s.report.tlp), s.createdAt),
    }));
  };

  return [markings, identities, firstVersions, laterVersions, sightings];
}

/** An entry with nothing to send, so that a stream still advances past its row. */
function skipped(stream: number, key: string, at: Date): Entry {
  return { stream, key, at, items: [] };
}

/** Whether the query may want an SCO at all (else no other report naming one is looked for). */
function scosWanted(query: ObjectQuery): boolean {
  const sco = (type: string) => SCO_SOURCES[type] !== undefined;
  if (query.types && !query.types.some(sco)) return false;
  if (query.ids && !query.ids.some((id) => sco(typeOf(id)))) return false;
  return true;
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

function versionPasses(item: Item, versions: string[]): boolean {
  if (versions.includes('all')) return true;
  if (versions.includes('last') && item.version.last) return true;
  if (versions.includes('first') && item.version.first) return true;
  const modified = item.version.modified.getTime();
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

const compare = (a: Place, b: Place) =>
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
  // With match[id], the entries read are only those of the objects named, most of which send
  // nothing (a report's earlier versions, when its latest is asked for): read them in full.
  const batch = query.ids ? BATCH : Math.min(BATCH, query.limit + 1);
  const reports = sharedReportsWhere(viewer, collection);
  const streams = streamsFor(viewer, reports, await reportsCarrying(query, reports), query, batch);
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
    const objects = entry.items
      .filter((item) => versionPasses(item, query.versions) && objectPasses(item.object, query))
      .map((item) => item.object);
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

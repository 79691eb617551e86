import {
  IpRight,
  ObservableType,
  ProductCategory,
  type Tlp,
} from '../../generated/prisma/enums.js';
import type { Viewer } from '../auth/viewer.js';
import type { AudienceChoice } from '../intel/intel.service.js';
import { normaliseObservable } from '../intel/observables.js';
import { ipnetPropertiesOf } from '../intel/stix-extension.js';
import {
  clip,
  IMPORT_LIMITS,
  type ImportOptions,
  type ImportPlan,
  importWork,
  type PlannedObservable,
  type PlannedReport,
  pacer,
  type Refusal,
  strictest,
  withArticle,
} from './import-plan.js';
import { ipnetReportFields } from './stix-ipnet.js';
import { tlpOf } from './stix-markings.js';

// A STIX 2.1 bundle read as IPNet reports: each `report` becomes a draft of the importer's agency
// with the observables its `object_refs` name, through indicators with simple patterns
// (`[domain-name:value = '…']`), observed-data and the SCOs themselves. A report is marked with
// the strictest TLP of itself and of everything it carries; an object marked TLP:RED, or with a
// marking that is not TLP, is refused (stix-markings.ts). A bundle without reports is one report.
// Each object is expanded once, without recursion, and cycles are refused: the work grows with
// the document, and the request loop gets a turn every few milliseconds. Nothing here touches
// the database.

type StixObject = Record<string, unknown> & { type: string; id: string };

/** SCO types and the observable type each becomes (a Map: a type named `constructor` is unknown). */
const SCO_TYPES = new Map<string, ObservableType>([
  ['domain-name', 'DOMAIN'],
  ['url', 'WEBSITE_URL'],
  ['email-addr', 'EMAIL'],
]);

/** `x-ipnet-container-number` → CONTAINER_NUMBER, for the identifiers STIX has no object for. */
function ipnetType(stixType: string): ObservableType | null {
  if (!stixType.startsWith('x-ipnet-')) return null;
  const name = stixType.slice('x-ipnet-'.length).replace(/-/g, '_').toUpperCase();
  return (Object.values(ObservableType) as string[]).includes(name)
    ? (name as ObservableType)
    : null;
}

const SIMPLE_PATTERN = /^\[\s*([a-z0-9-]+):value\s*=\s*'((?:[^'\\]|\\.)*)'\s*\]$/;

/** `<type>--<UUID>`, the type as STIX allows it (3 to 250 of a-z, 0-9 and -): ids stay short. */
const STIX_ID =
  /^([a-z0-9-]{3,250})--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isStixId(value: unknown, type: string): value is string {
  return typeof value === 'string' && STIX_ID.exec(value)?.[1] === type;
}

function isObject(value: unknown): value is StixObject {
  const type = (value as { type?: unknown } | null)?.type;
  return (
    typeof value === 'object' &&
    typeof type === 'string' &&
    isStixId((value as { id?: unknown }).id, type)
  );
}

function refs(object: StixObject, property: string): string[] {
  const value = object[property];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** What an object brings to the reports that name it: observables, and their strictest marking. */
interface Carried {
  observables: PlannedObservable[];
  tlp: Tlp | null;
}
const NOTHING: Carried = { observables: [], tlp: null };

/** An observed-data being expanded: where it stands on the walk and what it has gathered. */
interface Frame {
  object: StixObject;
  children: string[];
  next: number;
  /** Its place on the stack, and the lowest place a reference from below it leads back to. */
  index: number;
  low: number;
  tlp: Tlp | null;
  observables: Set<PlannedObservable>;
}

const NO_MARKING =
  'no TLP marking: IPNet shares only under TLP 2.0 (object_marking_refs), or choose the marking of what is unmarked with defaultTlp';

/** The STIX 2.1 cyber-observable types (section 6): those without an IPNet type are named so. */
const SCO_NAMES = new Set([
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
]);

/** The work limit was reached: the document is refused as a whole. */
class TooIntricate extends Error {}

function enumOf<T extends string>(values: Record<string, T>, candidates: unknown[]): T | null {
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const upper = candidate.toUpperCase().replace(/[\s-]/g, '_');
    if ((Object.values(values) as string[]).includes(upper)) return upper as T;
  }
  return null;
}

/** Objects that describe others (who made them, their markings, extensions): nothing to import. */
const DEFINITIONS: ReadonlySet<string> = new Set([
  'identity',
  'marking-definition',
  'extension-definition',
]);

/** The audience a marking allows by default: CLEAR and GREEN the network, AMBER the agency. */
function audienceForMarking(actor: Viewer, tlp: Tlp): AudienceChoice {
  return tlp === 'CLEAR' || tlp === 'GREEN'
    ? { scope: 'NETWORK' }
    : { scope: 'AGENCIES', agencyIds: [actor.agencyId] };
}

export async function planStixBundle(
  actor: Viewer,
  bundle: unknown,
  options: ImportOptions,
): Promise<ImportPlan> {
  if (
    typeof bundle !== 'object' ||
    bundle === null ||
    (bundle as { type?: unknown }).type !== 'bundle' ||
    !Array.isArray((bundle as { objects?: unknown }).objects)
  ) {
    return refuseAll('not a STIX 2.1 bundle: expected { "type": "bundle", "objects": [...] }');
  }
  const objects = (bundle as { objects: unknown[] }).objects;
  if (objects.length > IMPORT_LIMITS.objects) {
    return refuseAll(
      `the bundle holds ${objects.length} objects; at most ${IMPORT_LIMITS.objects} are imported at once`,
    );
  }
  const breathe = pacer();
  const refused: Refusal[] = [];
  const refuse = (object: StixObject, reason: string) =>
    refused.push({ sourceId: object.id, sourceType: object.type, reason });
  const byId = new Map<string, StixObject>();
  for (const object of objects) {
    if (!isObject(object)) {
      refused.push({
        sourceId: null,
        sourceType: 'unknown',
        reason: 'not a STIX object: its id must be <type>--<UUID>',
      });
      continue;
    }
    byId.set(object.id, object);
  }

  let work = 0;
  const step = (count = 1) => {
    work += count;
    if (work > IMPORT_LIMITS.work) throw new TooIntricate();
  };

  /** An object that names no others: an SCO, an indicator, or one that brings nothing. */
  function leaf(object: StixObject): Carried {
    const { id, type } = object;
    if (DEFINITIONS.has(type)) return NOTHING;
    const fromValue = (observable: ObservableType, raw: unknown): Carried => {
      const marking = tlpOf(object, byId);
      if ('reason' in marking) {
        refuse(object, marking.reason);
        return NOTHING;
      }
      const result = normaliseObservable(observable, typeof raw === 'string' ? raw : '');
      if (!result.ok) {
        refuse(object, `${observable.toLowerCase().replace(/_/g, ' ')} ${result.message}`);
        return NOTHING;
      }
      if (marking.tlp === null) unmarked.add(id);
      return {
        observables: [{ type: observable, value: result.value, sourceId: id }],
        tlp: marking.tlp,
      };
    };
    const scoType = SCO_TYPES.get(type);
    if (scoType) {
      const listed =
        ipnetPropertiesOf(object).get('observable_type') === 'marketplace-listing'
          ? 'MARKETPLACE_LISTING'
          : scoType;
      return fromValue(listed, object.value);
    }
    if (type === 'indicator') {
      const match =
        typeof object.pattern === 'string' && object.pattern_type === 'stix'
          ? SIMPLE_PATTERN.exec(object.pattern.trim())
          : null;
      const stixType = match?.[1];
      const observable = stixType ? (SCO_TYPES.get(stixType) ?? ipnetType(stixType)) : null;
      if (!match || !observable) {
        refuse(
          object,
          match
            ? `pattern type ${stixType} has no IPNet observable type`
            : "only simple STIX patterns are imported: [<type>:value = '<value>']",
        );
        return NOTHING;
      }
      return fromValue(observable, (match[2] ?? '').replace(/\\(.)/g, '$1'));
    }
    refuse(
      object,
      type === 'sighting'
        ? 'sightings are recorded in IPNet by the agency that made them'
        : SCO_NAMES.has(type)
          ? `${withArticle(type)} has no IPNet observable type`
          : `${withArticle(type)} has no place in an IPNet report`,
    );
    return NOTHING;
  }

  const carried = new Map<string, Carried>();
  /** Objects that brought an observable and carry no TLP marking of their own. */
  const unmarked = new Set<string>();
  const used = new Set<string>();
  const onPath = new Map<string, number>();
  const stack: Frame[] = [];

  function gather(frame: { observables: Set<PlannedObservable>; tlp: Tlp | null }, from: Carried) {
    frame.tlp = strictest([frame.tlp, from.tlp].filter((t): t is Tlp => t !== null));
    for (const observable of from.observables) {
      // One past the limit is enough to refuse whatever carries it.
      if (frame.observables.size > IMPORT_LIMITS.observablesPerReport) break;
      frame.observables.add(observable);
      step();
    }
  }

  /** Expands an object met for the first time: a leaf at once, an observed-data onto the stack. */
  function enter(id: string): Carried | null {
    const object = byId.get(id);
    if (!object) return NOTHING;
    importWork.expansions += 1;
    step();
    used.add(id);
    if (object.type !== 'observed-data') {
      const result = leaf(object);
      carried.set(id, result);
      return result;
    }
    const marking = tlpOf(object, byId);
    if ('reason' in marking) {
      refuse(object, marking.reason);
      carried.set(id, NOTHING);
      return NOTHING;
    }
    onPath.set(id, stack.length);
    stack.push({
      object,
      children: refs(object, 'object_refs'),
      next: 0,
      index: stack.length,
      low: Number.POSITIVE_INFINITY,
      tlp: marking.tlp,
      observables: new Set(),
    });
    return null;
  }

  /**
   * What an object carries, observed-data walked depth first with a stack of its own. An
   * observed-data whose refs lead back to it (`low` at or above its place) is part of a cycle.
   */
  async function carriedBy(id: string): Promise<Carried> {
    const known = carried.get(id) ?? enter(id);
    if (known) return known;
    for (let frame = stack.at(-1); frame; frame = stack.at(-1)) {
      await breathe();
      const childId = frame.children[frame.next];
      if (childId !== undefined) {
        frame.next += 1;
        step();
        const onStack = onPath.get(childId);
        if (onStack !== undefined) {
          frame.low = Math.min(frame.low, onStack);
          continue;
        }
        const child = carried.get(childId) ?? enter(childId);
        if (child) gather(frame, child);
        continue;
      }
      stack.pop();
      onPath.delete(frame.object.id);
      const cyclic = frame.low <= frame.index;
      if (cyclic) refuse(frame.object, 'its object_refs lead back to itself (a cycle)');
      const result = cyclic ? NOTHING : { observables: [...frame.observables], tlp: frame.tlp };
      carried.set(frame.object.id, result);
      const parent = stack.at(-1);
      if (parent) {
        parent.low = Math.min(parent.low, frame.low);
        gather(parent, result);
      }
    }
    return carried.get(id) ?? NOTHING;
  }

  let total = 0;
  /**
   * A report, or the bundle when it holds none. `own` is its marking: the report's, the
   * importer's default (`defaulted`) when it has none, or none at all (a bundle without default).
   */
  async function plannedReport(
    source: StixObject,
    observableIds: string[],
    own: { tlp: Tlp | null; defaulted?: boolean } | { reason: string },
  ): Promise<PlannedReport | null> {
    const gathered = { observables: new Set<PlannedObservable>(), tlp: null as Tlp | null };
    for (const id of observableIds) gather(gathered, await carriedBy(id));
    const tlp =
      'reason' in own ? null : strictest([own.tlp, gathered.tlp].filter((t) => t !== null));
    const count = gathered.observables.size;
    let reason: string | null = null;
    if ('reason' in own) reason = own.reason;
    else if (source.type === 'bundle' && count === 0)
      reason =
        'nothing to import: none of the objects of this bundle without reports brings an observable IPNet keeps';
    else if (!tlp) reason = NO_MARKING;
    else if (count > IMPORT_LIMITS.observablesPerReport)
      reason = `more than ${IMPORT_LIMITS.observablesPerReport} observables`;
    else if (total + count > IMPORT_LIMITS.observables)
      reason = `the import would bring more than ${IMPORT_LIMITS.observables.toLocaleString('en')} observables in all: import the rest in another document`;
    if (reason !== null || !tlp) {
      refuse(source, reason ?? '');
      return null;
    }
    total += gathered.observables.size;
    const observables = [...gathered.observables];
    const markedByDefault =
      'defaulted' in own && own.defaulted
        ? [
            source.id,
            ...new Set(
              observables.flatMap((o) =>
                o.sourceId && unmarked.has(o.sourceId) ? [o.sourceId] : [],
              ),
            ),
          ]
        : [];
    const labels = refs(source, 'labels');
    const title = clip(source.name, 300, 'Imported STIX bundle');
    return {
      sourceId: source.id,
      observables,
      markedByDefault,
      fields: {
        title,
        summary: clip(source.description, 20_000, title),
        language: clip(source.lang, 35, 'en'),
        ipRight: enumOf(IpRight, labels) ?? 'TRADEMARK',
        category: enumOf(ProductCategory, labels) ?? 'OTHER',
        brands: labels
          .filter((l) => !enumOf(IpRight, [l]) && !enumOf(ProductCategory, [l]))
          .slice(0, 50),
        tlp,
        ...ipnetReportFields(actor, source, audienceForMarking(actor, tlp)),
      },
    };
  }

  const reports: PlannedReport[] = [];
  const stixReports = [...byId.values()].filter((o) => o.type === 'report');
  if (stixReports.length > IMPORT_LIMITS.reports) {
    return refuseAll(
      `the bundle holds ${stixReports.length} reports; at most ${IMPORT_LIMITS.reports} are imported at once`,
    );
  }
  // What the document leaves unmarked takes the importer's default; the report is then the
  // strictest of it and of what it carries, so a default never lowers a marking.
  const unmarkedOwn = options.defaultTlp
    ? { tlp: options.defaultTlp, defaulted: true }
    : { reason: NO_MARKING };
  try {
    for (const source of stixReports) {
      const own = tlpOf(source, byId);
      const planned = await plannedReport(
        source,
        refs(source, 'object_refs'),
        'reason' in own || own.tlp !== null ? own : unmarkedOwn,
      );
      if (planned) reports.push(planned);
    }
    const rest = [...byId.values()].filter(
      (o) => !used.has(o.id) && o.type !== 'report' && !DEFINITIONS.has(o.type),
    );
    if (stixReports.length === 0 && rest.length > 0) {
      // A bundle of indicators and observables is one report, under the bundle's id, marked
      // with the strictest marking of what it carries.
      const bundleId = (bundle as { id?: unknown }).id;
      if (!isStixId(bundleId, 'bundle')) {
        return refuseAll('a bundle without reports is imported under its id: bundle--<UUID>');
      }
      const planned = await plannedReport(
        { type: 'bundle', id: bundleId, name: `Imported STIX bundle ${bundleId}` },
        rest.map((o) => o.id),
        'tlp' in unmarkedOwn ? unmarkedOwn : { tlp: null },
      );
      if (planned) reports.push(planned);
    } else if (stixReports.length === 0) {
      refused.push({
        sourceId: null,
        sourceType: 'bundle',
        reason:
          byId.size === 0
            ? `nothing to import: the bundle holds ${objects.length === 0 ? 'no objects' : 'no STIX object'}`
            : 'nothing to import: the bundle holds no report, indicator or observable, only definitions (of markings, extensions) and identities, which IPNet takes with the objects that use them',
      });
    } else {
      for (const object of rest.filter((o) => !used.has(o.id))) {
        refuse(object, 'no report in the bundle refers to it');
      }
    }
  } catch (error) {
    if (!(error instanceof TooIntricate)) throw error;
    return refuseAll(
      `the bundle's objects refer to one another too often (more than ${IMPORT_LIMITS.work.toLocaleString('en')} steps to plan): split it`,
    );
  }
  return { reports, refused };
}

function refuseAll(reason: string): ImportPlan {
  return { reports: [], refused: [{ sourceId: null, sourceType: 'bundle', reason }] };
}

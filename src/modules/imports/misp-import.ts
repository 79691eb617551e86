import type { ObservableType, Tlp } from '../../generated/prisma/enums.js';
import { isUuid } from '../../input-guard.js';
import type { Viewer } from '../auth/viewer.js';
import type { AudienceChoice } from '../intel/intel.service.js';
import { normaliseObservable } from '../intel/observables.js';
import {
  clip,
  IMPORT_LIMITS,
  type ImportOptions,
  type ImportPlan,
  importWork,
  type PlannedObservable,
  pacer,
  quoted,
  RED_REFUSAL,
  type Refusal,
  strictest,
} from './import-plan.js';

// MISP events (MISP's JSON format) read as IPNet reports, one per event: `{"Event": {...}}` as
// `GET /events/view/{id}` or the event export answers, the event itself without that wrapper, or
// several of them as `/events/restSearch` answers (`{"response": [...]}`). Attributes, and those
// of its objects, become observables by their type; `tlp:*` tags become the marking (or the
// importer's default when the event has none); the distribution becomes the audience. An
// attribute tagged more strictly than its event raises the event's marking; one tagged TLP:RED,
// or with a `tlp:*` tag IPNet does not know, is refused. Lookups keyed by the document are Maps,
// so that an attribute type named `constructor` is no more than an unknown type. Nothing here
// touches the database.

/** MISP attribute types and the observable type each becomes. */
const ATTRIBUTE_TYPES = new Map<string, ObservableType>([
  ['domain', 'DOMAIN'],
  ['hostname', 'DOMAIN'],
  ['url', 'WEBSITE_URL'],
  ['link', 'WEBSITE_URL'],
  ['uri', 'WEBSITE_URL'],
  ['email', 'EMAIL'],
  ['email-src', 'EMAIL'],
  ['email-dst', 'EMAIL'],
  ['whois-registrant-email', 'EMAIL'],
  ['phone-number', 'PHONE'],
  ['whois-registrant-phone', 'PHONE'],
  ['whois-registrant-name', 'PERSON_NAME'],
  ['whois-registrant-org', 'COMPANY_NAME'],
  ['iban', 'PAYMENT_ACCOUNT'],
  ['bank-account-nr', 'PAYMENT_ACCOUNT'],
]);

const TLP_TAGS = new Map<string, Tlp>([
  ['tlp:clear', 'CLEAR'],
  ['tlp:white', 'CLEAR'],
  ['tlp:green', 'GREEN'],
  ['tlp:amber', 'AMBER'],
  ['tlp:amber+strict', 'AMBER_STRICT'],
  ['tlp:red', 'RED'],
]);

interface MispAttribute {
  uuid?: unknown;
  type?: unknown;
  value?: unknown;
  Tag?: unknown;
}

/** MISP distribution levels as audiences (0 your organisation … 4 a sharing group). */
function audienceForDistribution(actor: Viewer, distribution: unknown): AudienceChoice {
  const level =
    typeof distribution === 'number' || typeof distribution === 'string'
      ? Number(distribution)
      : null;
  if (level === 2 || level === 3) return { scope: 'NETWORK' };
  if (level === 1 && actor.agencyRegions.length > 0) {
    return { scope: 'REGIONS', regions: [...actor.agencyRegions] };
  }
  // 0, a sharing group (4), or nothing said: the importer's agency only, to widen by hand.
  return { scope: 'AGENCIES', agencyIds: [actor.agencyId] };
}

function tagNames(holder: unknown): string[] {
  const tags = (holder as { Tag?: unknown } | null)?.Tag;
  return Array.isArray(tags)
    ? tags
        .map((t) => (t as { name?: unknown } | null)?.name)
        .filter((n): n is string => typeof n === 'string')
        .map((n) => n.toLowerCase())
    : [];
}

/** The strictest `tlp:*` tag among `tags` (null when there is none), or why it cannot be honoured. */
function tlpOfTags(tags: string[]): { tlp: Tlp | null } | { reason: string } {
  const markings: Tlp[] = [];
  for (const tag of tags) {
    if (!tag.startsWith('tlp:')) continue;
    const tlp = TLP_TAGS.get(tag);
    if (!tlp) return { reason: `tag ${quoted(tag)} is not a TLP marking IPNet can honour` };
    markings.push(tlp);
  }
  const tlp = strictest(markings);
  return tlp === 'RED' ? { reason: RED_REFUSAL } : { tlp };
}

/** The event's attributes and those of its objects, each with the tags that cover it. */
function attributesOf(
  event: Record<string, unknown>,
): { attribute: MispAttribute; tags: string[] }[] {
  const found: { attribute: MispAttribute; tags: string[] }[] = [];
  const add = (list: unknown, tags: string[]) => {
    if (!Array.isArray(list)) return;
    for (const attribute of list) {
      if (typeof attribute !== 'object' || attribute === null) continue;
      found.push({ attribute, tags: [...tags, ...tagNames(attribute)] });
    }
  };
  add(event.Attribute, []);
  for (const object of Array.isArray(event.Object) ? event.Object : []) {
    if (typeof object === 'object' && object !== null) {
      add((object as { Attribute?: unknown }).Attribute, tagNames(object));
    }
  }
  return found;
}

const SHAPES =
  'expected a MISP event: {"Event": {...}}, the event itself, or the answer of /events/restSearch, {"response": [{"Event": {...}}, ...]}';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The events a document holds, in the shapes MISP gives them, or what the document is instead. */
function eventsOf(document: unknown): unknown[] | { reason: string } {
  if (Array.isArray(document))
    return document.map((item) => (isRecord(item) ? (item.Event ?? item) : item));
  if (!isRecord(document)) return { reason: `not a MISP event: ${SHAPES}` };
  if (Object.hasOwn(document, 'response')) {
    const response = document.response;
    if (Array.isArray(response)) return eventsOf(response);
    if (isRecord(response) && Object.hasOwn(response, 'Attribute')) {
      return {
        reason:
          'an attribute search answer (response.Attribute), not events: IPNet imports events, so search events (/events/restSearch) or export the events these attributes belong to',
      };
    }
    if (isRecord(response) && Object.hasOwn(response, 'Event')) return [response.Event];
    return { reason: `not a MISP event: ${SHAPES}` };
  }
  return Object.hasOwn(document, 'Event') ? [document.Event] : [document];
}

export async function planMispEvent(
  actor: Viewer,
  document: unknown,
  options: ImportOptions,
): Promise<ImportPlan> {
  const events = eventsOf(document);
  const refuseAll = (reason: string): ImportPlan => ({
    reports: [],
    refused: [{ sourceId: null, sourceType: 'event', reason }],
  });
  if ('reason' in events) return refuseAll(events.reason);
  if (events.length === 0) return refuseAll('nothing to import: the list holds no event');
  if (events.length > IMPORT_LIMITS.reports) {
    return refuseAll(
      `the document holds ${events.length} events; at most ${IMPORT_LIMITS.reports} are imported at once`,
    );
  }
  const attributeCount = events.reduce<number>(
    (sum, event) => sum + (isRecord(event) ? attributesOf(event).length : 0),
    0,
  );
  if (attributeCount > IMPORT_LIMITS.objects) {
    return refuseAll(
      `the document holds ${attributeCount} attributes; at most ${IMPORT_LIMITS.objects} are imported at once`,
    );
  }
  const plan: ImportPlan = { reports: [], refused: [] };
  const seen = new Set<string>();
  let total = 0;
  const breathe = pacer();
  for (const [index, event] of events.entries()) {
    const which = events.length > 1 ? ` (event ${index + 1} of ${events.length})` : '';
    const one = await planEvent(actor, event, options, breathe, which);
    const [report] = one.reports;
    if (report && seen.has(report.sourceId)) {
      plan.refused.push({
        sourceId: report.sourceId,
        sourceType: 'event',
        reason: `the same event appears twice in the document${which}: it is imported once`,
      });
      continue;
    }
    if (report && total + report.observables.length > IMPORT_LIMITS.observables) {
      plan.refused.push({
        sourceId: report.sourceId,
        sourceType: 'event',
        reason: `the import would bring more than ${IMPORT_LIMITS.observables.toLocaleString('en')} observables in all: import the rest in another document`,
      });
      continue;
    }
    if (report) {
      seen.add(report.sourceId);
      total += report.observables.length;
      plan.reports.push(report);
    }
    plan.refused.push(...one.refused);
  }
  return plan;
}

/** One event as one report, or refused whole with the attributes refused so far. */
async function planEvent(
  actor: Viewer,
  event: unknown,
  options: ImportOptions,
  breathe: () => Promise<void> | undefined,
  which: string,
): Promise<ImportPlan> {
  const refused: Refusal[] = [];
  const fail = (reason: string, sourceId: string | null = null): ImportPlan => ({
    reports: [],
    refused: [{ sourceId, sourceType: 'event', reason: `${reason}${which}` }, ...refused],
  });
  if (!isRecord(event)) return fail(`not a MISP event: ${SHAPES}`);
  const uuid = typeof event.uuid === 'string' ? event.uuid.toLowerCase() : '';
  if (!isUuid(uuid)) return fail('the event has no uuid: MISP events are imported by their uuid');
  const attributes = attributesOf(event);
  const refuseEvent = (reason: string) => fail(reason, uuid);
  const own = tlpOfTags(tagNames(event));
  if ('reason' in own) return refuseEvent(own.reason);
  const marking = own.tlp ?? options.defaultTlp;
  if (!marking) {
    return refuseEvent(
      'no tlp:* tag: IPNet shares only under TLP 2.0 (tag the event, e.g. tlp:amber, or choose the marking of untagged events with defaultTlp)',
    );
  }
  const defaulted = own.tlp === null;

  const markings: Tlp[] = [marking];
  const observables: PlannedObservable[] = [];
  const untagged: string[] = [];
  for (const { attribute, tags } of attributes) {
    await breathe();
    importWork.expansions += 1;
    const sourceId =
      typeof attribute.uuid === 'string' && isUuid(attribute.uuid) ? attribute.uuid : null;
    const refuse = (reason: string) => refused.push({ sourceId, sourceType: 'attribute', reason });
    const type =
      typeof attribute.type === 'string' ? ATTRIBUTE_TYPES.get(attribute.type) : undefined;
    if (!type) {
      refuse(`attribute type ${quoted(attribute.type)} has no IPNet observable type`);
      continue;
    }
    const tagged = tlpOfTags(tags);
    if ('reason' in tagged) {
      refuse(tagged.reason);
      continue;
    }
    const result = normaliseObservable(
      type,
      typeof attribute.value === 'string' ? attribute.value : '',
    );
    if (!result.ok) {
      refuse(`${type.toLowerCase().replace(/_/g, ' ')} ${result.message}`);
      continue;
    }
    if (tagged.tlp) markings.push(tagged.tlp);
    else if (sourceId) untagged.push(sourceId);
    observables.push({ type, value: result.value, sourceId });
  }
  if (observables.length > IMPORT_LIMITS.observablesPerReport) {
    return refuseEvent(`more than ${IMPORT_LIMITS.observablesPerReport} observables`);
  }
  // The event covers what it carries: as strict as the strictest of its attributes.
  const tlp = strictest(markings) ?? marking;
  const title = clip(event.info, 300, `MISP event ${uuid}`);
  return {
    refused,
    reports: [
      {
        sourceId: uuid,
        observables,
        markedByDefault: defaulted ? [uuid, ...new Set(untagged)] : [],
        fields: {
          title,
          summary: title,
          language: 'en',
          ipRight: 'TRADEMARK',
          category: 'OTHER',
          brands: [],
          sourceReliability: 'F',
          infoCredibility: 6,
          tlp,
          pap: 'AMBER',
          audience: audienceForDistribution(actor, event.distribution),
        },
      },
    ],
  };
}

import type { Viewer } from '../../context.js';
import type { ObservableType, Tlp } from '../../generated/prisma/enums.js';
import { isUuid } from '../../input-guard.js';
import type { AudienceChoice } from '../intel/intel.service.js';
import { normaliseObservable } from '../intel/observables.js';
import {
  clip,
  IMPORT_LIMITS,
  type ImportPlan,
  importWork,
  type PlannedObservable,
  pacer,
  quoted,
  RED_REFUSAL,
  type Refusal,
  strictest,
} from './import-plan.js';

// A MISP event (MISP's JSON format, as `GET /events/view/{id}` or the event export answers) read
// as one IPNet report: attributes, and those of its objects, become observables by their type;
// `tlp:*` tags become the marking; the distribution becomes the audience. An attribute tagged
// more strictly than its event raises the event's marking; one tagged TLP:RED, or with a `tlp:*`
// tag IPNet does not know, is refused. Lookups keyed by the document are Maps, so that an
// attribute type named `constructor` is no more than an unknown type. Nothing here touches the
// database.

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

export async function planMispEvent(actor: Viewer, document: unknown): Promise<ImportPlan> {
  const event = (document as { Event?: unknown } | null)?.Event ?? document;
  const refused: Refusal[] = [];
  /** The whole event refused, with the attributes refused so far. */
  const fail = (reason: string, sourceId: string | null = null): ImportPlan => ({
    reports: [],
    refused: [{ sourceId, sourceType: 'event', reason }, ...refused],
  });
  if (typeof event !== 'object' || event === null)
    return fail('not a MISP event: expected { "Event": { ... } }');
  const e = event as Record<string, unknown>;
  const uuid = typeof e.uuid === 'string' ? e.uuid.toLowerCase() : '';
  if (!isUuid(uuid)) return fail('the event has no uuid: MISP events are imported by their uuid');
  const attributes = attributesOf(e);
  if (attributes.length > IMPORT_LIMITS.objects) {
    return fail(
      `the event holds ${attributes.length} attributes; at most ${IMPORT_LIMITS.objects} are imported at once`,
    );
  }
  const refuseEvent = (reason: string) => fail(reason, uuid);
  const marking = tlpOfTags(tagNames(e));
  if ('reason' in marking) return refuseEvent(marking.reason);
  if (!marking.tlp)
    return refuseEvent(
      'no tlp:* tag: IPNet shares only under TLP 2.0 (tag the event, e.g. tlp:amber)',
    );

  const breathe = pacer();
  const markings: Tlp[] = [marking.tlp];
  const observables: PlannedObservable[] = [];
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
    const own = tlpOfTags(tags);
    if ('reason' in own) {
      refuse(own.reason);
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
    if (own.tlp) markings.push(own.tlp);
    observables.push({ type, value: result.value, sourceId });
  }
  if (observables.length > IMPORT_LIMITS.observablesPerReport) {
    return refuseEvent(`more than ${IMPORT_LIMITS.observablesPerReport} observables`);
  }
  // The event covers what it carries: as strict as the strictest of its attributes.
  const tlp = strictest(markings) ?? marking.tlp;
  const title = clip(e.info, 300, `MISP event ${uuid}`);
  return {
    refused,
    reports: [
      {
        sourceId: uuid,
        observables,
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
          audience: audienceForDistribution(actor, e.distribution),
        },
      },
    ],
  };
}

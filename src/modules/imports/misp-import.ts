import type { Viewer } from '../../context.js';
import type { ObservableType, Tlp } from '../../generated/prisma/enums.js';
import { isUuid } from '../../input-guard.js';
import type { AudienceChoice } from '../intel/intel.service.js';
import { normaliseObservable } from '../intel/observables.js';
import {
  clip,
  IMPORT_LIMITS,
  type ImportPlan,
  type PlannedObservable,
  type Refusal,
  strictest,
} from './import-plan.js';

// A MISP event (MISP's JSON format, as `GET /events/view/{id}` or the event export answers) read
// as one IPNet report: attributes, and those of its objects, become observables by their type;
// `tlp:*` tags become the marking; the distribution becomes the audience. Nothing here touches
// the database.

/** MISP attribute types and the observable type each becomes. */
const ATTRIBUTE_TYPES: Record<string, ObservableType> = {
  domain: 'DOMAIN',
  hostname: 'DOMAIN',
  url: 'WEBSITE_URL',
  link: 'WEBSITE_URL',
  uri: 'WEBSITE_URL',
  email: 'EMAIL',
  'email-src': 'EMAIL',
  'email-dst': 'EMAIL',
  'whois-registrant-email': 'EMAIL',
  'phone-number': 'PHONE',
  'whois-registrant-phone': 'PHONE',
  'whois-registrant-name': 'PERSON_NAME',
  'whois-registrant-org': 'COMPANY_NAME',
  iban: 'PAYMENT_ACCOUNT',
  'bank-account-nr': 'PAYMENT_ACCOUNT',
};

const TLP_TAGS: Record<string, Tlp> = {
  'tlp:clear': 'CLEAR',
  'tlp:white': 'CLEAR',
  'tlp:green': 'GREEN',
  'tlp:amber': 'AMBER',
  'tlp:amber+strict': 'AMBER_STRICT',
  'tlp:red': 'RED',
};

interface MispAttribute {
  uuid?: unknown;
  type?: unknown;
  value?: unknown;
}

/** MISP distribution levels as audiences (0 your organisation … 4 a sharing group). */
function audienceForDistribution(actor: Viewer, distribution: unknown): AudienceChoice {
  const level = Number(distribution);
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
        .map((t) => (t as { name?: unknown }).name)
        .filter((n): n is string => typeof n === 'string')
    : [];
}

export function planMispEvent(actor: Viewer, document: unknown): ImportPlan {
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
  const objects = Array.isArray(e.Object) ? e.Object : [];
  const attributes: MispAttribute[] = [
    ...(Array.isArray(e.Attribute) ? e.Attribute : []),
    ...objects.flatMap((o) => {
      const inner = (o as { Attribute?: unknown }).Attribute;
      return Array.isArray(inner) ? inner : [];
    }),
  ];
  if (attributes.length > IMPORT_LIMITS.objects) {
    return fail(
      `the event holds ${attributes.length} attributes; at most ${IMPORT_LIMITS.objects} are imported at once`,
    );
  }
  const tags = tagNames(e).map((t) => t.toLowerCase());
  const unknownTlp = tags.find((t) => t.startsWith('tlp:') && !TLP_TAGS[t]);
  const tlp = strictest(tags.map((t) => TLP_TAGS[t]).filter((t): t is Tlp => t !== undefined));
  const refuseEvent = (reason: string) => fail(reason, uuid);
  if (unknownTlp) return refuseEvent(`tag ${unknownTlp} is not a TLP marking IPNet can honour`);
  if (!tlp)
    return refuseEvent(
      'no tlp:* tag: IPNet shares only under TLP 2.0 (tag the event, e.g. tlp:amber)',
    );
  if (tlp === 'RED')
    return refuseEvent('TLP:RED goes to named people: write it in IPNet, naming its recipients');

  const observables: PlannedObservable[] = [];
  for (const attribute of attributes) {
    const sourceId = typeof attribute.uuid === 'string' ? attribute.uuid : null;
    const type = typeof attribute.type === 'string' ? ATTRIBUTE_TYPES[attribute.type] : undefined;
    if (!type) {
      refused.push({
        sourceId,
        sourceType: 'attribute',
        reason: `attribute type ${String(attribute.type)} has no IPNet observable type`,
      });
      continue;
    }
    const result = normaliseObservable(
      type,
      typeof attribute.value === 'string' ? attribute.value : '',
    );
    if (!result.ok) {
      refused.push({
        sourceId,
        sourceType: 'attribute',
        reason: `${type.toLowerCase().replace(/_/g, ' ')} ${result.message}`,
      });
      continue;
    }
    observables.push({ type, value: result.value, sourceId });
  }
  if (observables.length > IMPORT_LIMITS.observablesPerReport) {
    return refuseEvent(`more than ${IMPORT_LIMITS.observablesPerReport} observables`);
  }
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

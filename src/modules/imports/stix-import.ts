import type { Viewer } from '../../context.js';
import {
  IpRight,
  ObservableType,
  Pap,
  ProductCategory,
  SourceReliability,
  type Tlp,
} from '../../generated/prisma/enums.js';
import type { AudienceChoice } from '../intel/intel.service.js';
import { normaliseObservable } from '../intel/observables.js';
import { credibilityFromConfidence, TLP_EXTENSION, TLP_MARKINGS } from '../intel/stix.js';
import {
  clip,
  IMPORT_LIMITS,
  type ImportPlan,
  type PlannedObservable,
  type PlannedReport,
  type Refusal,
  strictest,
} from './import-plan.js';

// A STIX 2.1 bundle read as IPNet reports: each `report` becomes a draft of the importer's agency
// with the observables its `object_refs` name, through indicators with simple patterns
// (`[domain-name:value = '…']`), observed-data and the SCOs themselves. Markings are the TLP
// 2.0 definitions (OASIS ids or the TLP 2.0 extension) or TLP 1.0 ones; anything else, and
// TLP:RED, is refused. A bundle without reports is one report. Nothing here touches the database.

type StixObject = Record<string, unknown> & { type: string; id: string };

/** The TLP 1.0 marking definitions of STIX 2.0/2.1 (section 7.2.1.4), mapped to TLP 2.0. */
const TLP1: Record<string, Tlp> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'CLEAR',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
};
const TLP2 = new Map(Object.entries(TLP_MARKINGS).map(([tlp, m]) => [m.id, tlp as Tlp]));
/** TLP 2.0 words (`amber+strict`) and TLP 1.0's `white`, as markings. */
const TLP_WORDS: Record<string, Tlp> = {
  ...Object.fromEntries(Object.entries(TLP_MARKINGS).map(([tlp, m]) => [m.value, tlp as Tlp])),
  white: 'CLEAR',
};

/** SCO types and the observable type each becomes. */
const SCO_TYPES: Record<string, ObservableType> = {
  'domain-name': 'DOMAIN',
  url: 'WEBSITE_URL',
  'email-addr': 'EMAIL',
};

/** `x-ipnet-container-number` → CONTAINER_NUMBER, for the identifiers STIX has no object for. */
function ipnetType(stixType: string): ObservableType | null {
  if (!stixType.startsWith('x-ipnet-')) return null;
  const name = stixType.slice('x-ipnet-'.length).replace(/-/g, '_').toUpperCase();
  return (Object.values(ObservableType) as string[]).includes(name)
    ? (name as ObservableType)
    : null;
}

const SIMPLE_PATTERN = /^\[\s*([a-z0-9-]+):value\s*=\s*'((?:[^'\\]|\\.)*)'\s*\]$/;

function isObject(value: unknown): value is StixObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StixObject).type === 'string' &&
    typeof (value as StixObject).id === 'string'
  );
}

function refs(object: StixObject, property: string): string[] {
  const value = object[property];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The marking a definition object stands for, if it is a TLP one. */
function markingOf(definition: StixObject | undefined, id: string): Tlp | null {
  const known = TLP2.get(id) ?? TLP1[id];
  if (known) return known;
  if (!definition) return null;
  const extension = (definition.extensions as Record<string, { tlp_2_0?: unknown }> | undefined)?.[
    TLP_EXTENSION
  ];
  if (typeof extension?.tlp_2_0 === 'string') return TLP_WORDS[extension.tlp_2_0] ?? null;
  const tlp1 = (definition.definition as { tlp?: unknown } | undefined)?.tlp;
  if (definition.definition_type === 'tlp' && typeof tlp1 === 'string')
    return TLP_WORDS[tlp1] ?? null;
  return null;
}

function enumOf<T extends string>(values: Record<string, T>, candidates: unknown[]): T | null {
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const upper = candidate.toUpperCase().replace(/[\s-]/g, '_');
    if ((Object.values(values) as string[]).includes(upper)) return upper as T;
  }
  return null;
}

/** The audience a marking allows by default: CLEAR and GREEN the network, AMBER the agency. */
function audienceForMarking(actor: Viewer, tlp: Tlp): AudienceChoice {
  return tlp === 'CLEAR' || tlp === 'GREEN'
    ? { scope: 'NETWORK' }
    : { scope: 'AGENCIES', agencyIds: [actor.agencyId] };
}

export function planStixBundle(actor: Viewer, bundle: unknown): ImportPlan {
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
  const refused: Refusal[] = [];
  const byId = new Map<string, StixObject>();
  for (const object of objects) {
    if (!isObject(object) || !object.id.startsWith(`${object.type}--`)) {
      refused.push({
        sourceId: null,
        sourceType: 'unknown',
        reason: 'not a STIX object: its id must be <type>--<UUID>',
      });
      continue;
    }
    byId.set(object.id, object);
  }

  const used = new Set<string>();
  /** The observables one object stands for, and the refusals it brings. */
  function observablesOf(id: string): PlannedObservable[] {
    const object = byId.get(id);
    if (!object) return [];
    used.add(id);
    const fromValue = (type: ObservableType, raw: unknown): PlannedObservable[] => {
      const result = normaliseObservable(type, typeof raw === 'string' ? raw : '');
      if (!result.ok) {
        refused.push({
          sourceId: id,
          sourceType: object.type,
          reason: `${type.toLowerCase().replace(/_/g, ' ')} ${result.message}`,
        });
        return [];
      }
      return [{ type, value: result.value, sourceId: id }];
    };
    const scoType = SCO_TYPES[object.type];
    if (scoType) {
      const listed =
        object.x_ipnet_type === 'marketplace-listing' ? 'MARKETPLACE_LISTING' : scoType;
      return fromValue(listed, object.value);
    }
    if (object.type === 'indicator') {
      const match =
        typeof object.pattern === 'string' && object.pattern_type === 'stix'
          ? SIMPLE_PATTERN.exec(object.pattern.trim())
          : null;
      const stixType = match?.[1];
      const type = stixType ? (SCO_TYPES[stixType] ?? ipnetType(stixType)) : null;
      if (!match || !type) {
        refused.push({
          sourceId: id,
          sourceType: 'indicator',
          reason: match
            ? `pattern type ${stixType} has no IPNet observable type`
            : "only simple STIX patterns are imported: [<type>:value = '<value>']",
        });
        return [];
      }
      return fromValue(type, (match[2] ?? '').replace(/\\(.)/g, '$1'));
    }
    if (object.type === 'observed-data') return refs(object, 'object_refs').flatMap(observablesOf);
    if (object.type === 'identity' || object.type === 'marking-definition') return [];
    refused.push({
      sourceId: id,
      sourceType: object.type,
      reason:
        object.type === 'sighting'
          ? 'sightings are recorded in IPNet by the agency that made them'
          : `a ${object.type} has no place in an IPNet report`,
    });
    return [];
  }

  function tlpOf(object: StixObject): { tlp: Tlp } | { reason: string } {
    const markings: Tlp[] = [];
    for (const ref of refs(object, 'object_marking_refs')) {
      const tlp = markingOf(byId.get(ref), ref);
      if (!tlp) return { reason: `marking ${ref} is not a TLP marking IPNet can honour` };
      markings.push(tlp);
    }
    const tlp = strictest(markings);
    if (!tlp)
      return { reason: 'no TLP marking: IPNet shares only under TLP 2.0 (object_marking_refs)' };
    if (tlp === 'RED') {
      return { reason: 'TLP:RED goes to named people: write it in IPNet, naming its recipients' };
    }
    return { tlp };
  }

  function plannedReport(source: StixObject, observableIds: string[]): PlannedReport | null {
    const marking = tlpOf(source);
    const observables = observableIds.flatMap(observablesOf);
    if ('reason' in marking) {
      refused.push({ sourceId: source.id, sourceType: source.type, reason: marking.reason });
      return null;
    }
    if (observables.length > IMPORT_LIMITS.observablesPerReport) {
      refused.push({
        sourceId: source.id,
        sourceType: source.type,
        reason: `more than ${IMPORT_LIMITS.observablesPerReport} observables`,
      });
      return null;
    }
    const labels = refs(source, 'labels');
    const admiralty = typeof source.x_ipnet_admiralty === 'string' ? source.x_ipnet_admiralty : '';
    const title = clip(source.name, 300, 'Imported STIX bundle');
    return {
      sourceId: source.id,
      observables,
      fields: {
        title,
        summary: clip(source.description, 20_000, title),
        language: clip(source.lang, 35, 'en'),
        ipRight: enumOf(IpRight, labels) ?? 'TRADEMARK',
        category: enumOf(ProductCategory, labels) ?? 'OTHER',
        brands: labels
          .filter((l) => !enumOf(IpRight, [l]) && !enumOf(ProductCategory, [l]))
          .slice(0, 50),
        sourceReliability: enumOf(SourceReliability, [admiralty.slice(0, 1)]) ?? 'F',
        infoCredibility: /^[A-F][1-6]$/.test(admiralty)
          ? Number(admiralty.slice(1))
          : credibilityFromConfidence(source.confidence),
        tlp: marking.tlp,
        pap: enumOf(Pap, [source.x_ipnet_pap]) ?? 'AMBER',
        audience: audienceForMarking(actor, marking.tlp),
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
  for (const source of stixReports) {
    const planned = plannedReport(source, refs(source, 'object_refs'));
    if (planned) reports.push(planned);
  }
  const rest = [...byId.values()].filter(
    (o) =>
      !used.has(o.id) &&
      o.type !== 'report' &&
      o.type !== 'identity' &&
      o.type !== 'marking-definition',
  );
  if (stixReports.length === 0 && rest.length > 0) {
    // A bundle of indicators and observables is one report, under the bundle's id. Its
    // marking is the strictest of its objects'.
    const bundleId = String((bundle as { id?: unknown }).id ?? '');
    const marked = rest.flatMap((o) => refs(o, 'object_marking_refs'));
    const planned = plannedReport(
      {
        type: 'bundle',
        id: bundleId,
        object_marking_refs: [...new Set(marked)],
        name: `Imported STIX bundle ${bundleId}`,
      },
      rest.map((o) => o.id),
    );
    if (planned) reports.push(planned);
  } else {
    for (const object of rest.filter((o) => !used.has(o.id))) {
      refused.push({
        sourceId: object.id,
        sourceType: object.type,
        reason: 'no report in the bundle refers to it',
      });
    }
  }
  // An object several reports name is refused once.
  const seen = new Set<string>();
  const once = refused.filter((r) => {
    if (r.sourceId === null) return true;
    const key = `${r.sourceId} ${r.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { reports, refused: once };
}

function refuseAll(reason: string): ImportPlan {
  return { reports: [], refused: [{ sourceId: null, sourceType: 'bundle', reason }] };
}

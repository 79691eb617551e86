import { Pap, Region, SourceReliability } from '../../generated/prisma/enums.js';
import type { Viewer } from '../auth/viewer.js';
import { hsCode } from '../common/codes.js';
import type { AudienceChoice, ReportFields } from '../intel/intel.service.js';
import { credibilityFromConfidence } from '../intel/stix.js';
import { ipnetPropertiesOf } from '../intel/stix-extension.js';

// IPNet's own properties of a STIX report read back: from IPNet's property extension, or from
// the `x_ipnet_*` properties of exports made before it. Other producers' reports have neither and
// take the defaults. A property that is not what IPNet writes is left out rather than refusing
// the report, and a stated audience only ever narrows the one the marking allows.

const COUNTRY = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

/** The upper-case enum value of a value written in lower case, words joined by `-` or `_`. */
function enumValue<T extends string>(values: Record<string, T>, value: unknown): T | null {
  if (typeof value !== 'string') return null;
  const upper = value.toUpperCase().replace(/-/g, '_');
  return (Object.values(values) as string[]).includes(upper) ? (upper as T) : null;
}

/**
 * The audience stated in the extension, never wider than `byMarking` (what the marking allows
 * the importer by default): regions narrow the network; named agencies or recipients, which
 * another network's ids cannot name here, become the importer's own agency.
 */
function statedAudience(actor: Viewer, stated: unknown, byMarking: AudienceChoice): AudienceChoice {
  if (typeof stated !== 'object' || stated === null) return byMarking;
  const { scope, regions } = stated as { scope?: unknown; regions?: unknown };
  if (scope === 'agencies' || scope === 'recipients') {
    return { scope: 'AGENCIES', agencyIds: [actor.agencyId] };
  }
  if (scope === 'regions' && byMarking.scope === 'NETWORK' && Array.isArray(regions)) {
    const known = [...new Set(regions.map((r) => enumValue(Region, r)))].filter(
      (r): r is Region => r !== null,
    );
    if (known.length > 0) return { scope: 'REGIONS', regions: known };
  }
  return byMarking;
}

export function ipnetReportFields(
  actor: Viewer,
  source: Record<string, unknown>,
  byMarking: AudienceChoice,
): Pick<
  ReportFields,
  | 'sourceReliability'
  | 'infoCredibility'
  | 'pap'
  | 'audience'
  | 'hsCode'
  | 'observedCountry'
  | 'estimatedValue'
> {
  const properties = ipnetPropertiesOf(source);
  const admiralty = properties.get('admiralty');
  const graded = typeof admiralty === 'string' && /^[A-F][1-6]$/.test(admiralty);
  const code = hsCode.safeParse(properties.get('hs_code'));
  const country = properties.get('observed_country');
  const value = properties.get('estimated_value') as { amount?: unknown; currency?: unknown };
  const money =
    typeof value === 'object' &&
    value !== null &&
    typeof value.amount === 'string' &&
    /^\d{1,16}(\.\d{1,2})?$/.test(value.amount) &&
    typeof value.currency === 'string' &&
    /^[A-Z]{3}$/.test(value.currency)
      ? { amount: value.amount, currency: value.currency }
      : null;
  return {
    sourceReliability: (graded && enumValue(SourceReliability, admiralty.slice(0, 1))) || 'F',
    infoCredibility: graded
      ? Number(admiralty.slice(1))
      : credibilityFromConfidence(source.confidence),
    pap: enumValue(Pap, properties.get('pap')) ?? 'AMBER',
    audience: statedAudience(actor, properties.get('audience'), byMarking),
    ...(code.success ? { hsCode: code.data } : {}),
    ...(typeof country === 'string' && COUNTRY.test(country) ? { observedCountry: country } : {}),
    ...(money ? { estimatedValue: money } : {}),
  };
}

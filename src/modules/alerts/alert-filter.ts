import type {
  Alert,
  AlertKind,
  AlertSeverity,
  Prisma,
  ProductCategory,
  Region,
} from '../../generated/prisma/client.js';

// One filter shape for live subscriptions, saved rules, the alert history and webhooks. An empty
// or absent list does not restrict; several lists restrict together.

export interface AlertFilter {
  kinds?: readonly AlertKind[] | null;
  severities?: readonly AlertSeverity[] | null;
  regions?: readonly Region[] | null;
  categories?: readonly ProductCategory[] | null;
  originAgencyIds?: readonly string[] | null;
  createdAfter?: Date | null;
}

function some<T>(list: readonly T[] | null | undefined): T[] | null {
  return list && list.length > 0 ? [...list] : null;
}

export function alertFilterWhere(filter: AlertFilter | null | undefined): Prisma.AlertWhereInput {
  if (!filter) return {};
  const kinds = some(filter.kinds);
  const severities = some(filter.severities);
  const regions = some(filter.regions);
  const categories = some(filter.categories);
  const origins = some(filter.originAgencyIds);
  return {
    ...(kinds ? { kind: { in: kinds } } : {}),
    ...(severities ? { severity: { in: severities } } : {}),
    ...(regions ? { regions: { hasSome: regions } } : {}),
    ...(categories ? { categories: { hasSome: categories } } : {}),
    ...(origins ? { originAgencyId: { in: origins } } : {}),
    ...(filter.createdAfter ? { createdAt: { gt: filter.createdAfter } } : {}),
  };
}

/**
 * The same filter, decided in memory for an alert already read: live delivery uses it for
 * alerts addressed to everyone, which need no audience query. A test keeps it in agreement with
 * alertFilterWhere.
 */
export function matchesFilter(
  alert: Pick<
    Alert,
    'kind' | 'severity' | 'regions' | 'categories' | 'originAgencyId' | 'createdAt'
  >,
  filter: AlertFilter | null | undefined,
): boolean {
  if (!filter) return true;
  const kinds = some(filter.kinds);
  const severities = some(filter.severities);
  const regions = some(filter.regions);
  const categories = some(filter.categories);
  const origins = some(filter.originAgencyIds);
  return (
    (!kinds || kinds.includes(alert.kind)) &&
    (!severities || severities.includes(alert.severity)) &&
    (!regions || regions.some((r) => alert.regions.includes(r))) &&
    (!categories || categories.some((c) => alert.categories.includes(c))) &&
    (!origins || (alert.originAgencyId !== null && origins.includes(alert.originAgencyId))) &&
    (!filter.createdAfter || alert.createdAt > filter.createdAfter)
  );
}

/** A stable text form, so that subscribers with the same filter share one audience query. */
export function filterKey(filter: AlertFilter | null | undefined): string {
  if (!filter) return '';
  const sorted = (list: readonly string[] | null | undefined) => [...(list ?? [])].sort().join(',');
  return [
    sorted(filter.kinds),
    sorted(filter.severities),
    sorted(filter.regions),
    sorted(filter.categories),
    sorted(filter.originAgencyIds),
    filter.createdAfter?.toISOString() ?? '',
  ].join('|');
}

/**
 * The columns that store a filter (saved rules and webhook endpoints share them). A field left
 * undefined is left as it is; null or an empty list removes that restriction.
 */
export function filterColumns(filter: AlertFilter) {
  const list = <T>(value: readonly T[] | null | undefined) =>
    value === undefined ? undefined : [...(value ?? [])];
  return {
    kinds: list(filter.kinds),
    severities: list(filter.severities),
    regions: list(filter.regions),
    categories: list(filter.categories),
    originAgencyIds: list(filter.originAgencyIds),
    ...(filter.createdAfter !== undefined ? { createdAfter: filter.createdAfter } : {}),
  };
}

/** The alerts about reports, and the severity each is written with (intel.alerts.ts). */
const REPORT_ALERTS: ReadonlyMap<AlertKind, AlertSeverity> = new Map([
  ['INTEL_PUBLISHED', 'INFO'],
  ['INTEL_UPDATED', 'INFO'],
  ['INTEL_RETRACTED', 'WARNING'],
] as const);

/**
 * The reports whose alerts a filter lets through, as a report `where` (a saved rule as a TAXII
 * collection): an alert about a report carries the author agency as its origin, the author's
 * and the audience's regions, the report's category and its publication.
 */
export function reportsSelectedBy(filter: AlertFilter): Prisma.IntelReportWhereInput {
  const kinds = some(filter.kinds);
  const severities = some(filter.severities);
  const regions = some(filter.regions);
  const categories = some(filter.categories);
  const origins = some(filter.originAgencyIds);
  const passes = [...REPORT_ALERTS].some(
    ([kind, severity]) =>
      (!kinds || kinds.includes(kind)) && (!severities || severities.includes(severity)),
  );
  if (!passes) return { id: { in: [] } };
  return {
    AND: [
      regions
        ? {
            OR: [
              { authorAgency: { regions: { hasSome: regions } } },
              { audienceRegions: { hasSome: regions } },
            ],
          }
        : {},
      categories ? { category: { in: categories } } : {},
      origins ? { authorAgencyId: { in: origins } } : {},
      filter.createdAfter ? { publishedAt: { gt: filter.createdAfter } } : {},
    ],
  };
}

import { config } from '../../config.js';
import { ValidationError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import { LOGGED_MARKINGS } from '../intel/intel.access.js';
import { statisticsScope } from './statistics.access.js';

// The disclosure rule of network statistics. A network admin's figures cover items the admin may
// not read, so they must never single one out: counts and sums, never the items, and no window or
// group small enough to isolate one.
// - Windows are whole calendar months (UTC): a period starts and ends on the 1st at 00:00.
// - A breakdown figure (by marking, category, region; results by kind, category, currency) is
//   shown only when it draws on at least STATISTICS_MIN_GROUP_SIZE items (reports; operations for
//   results). Smaller report cells read "fewer than k"; smaller result figures are left out.
// - TLP:RED and TLP:AMBER+STRICT reports are counted in the total and by marking only, never by
//   category or region.
// Counts of items by their state (reports published, matches, access granted, operations by
// phase) stay exact: they say how many, nothing about what. Everyone else counts only what they
// may read, item by item, so no rule is needed for them.

export interface Disclosure {
  /** The figures cover items the viewer may not read (network scope). */
  aggregated: boolean;
  minimumGroupSize: number;
}

export function disclosureFor(viewer: Viewer | null): Disclosure {
  return {
    aggregated: statisticsScope(viewer) === 'NETWORK',
    minimumGroupSize: config().STATISTICS_MIN_GROUP_SIZE,
  };
}

function isMonthStart(date: Date): boolean {
  return (
    date.getUTCDate() === 1 &&
    date.getUTCHours() === 0 &&
    date.getUTCMinutes() === 0 &&
    date.getUTCSeconds() === 0 &&
    date.getUTCMilliseconds() === 0
  );
}

/** Network figures are kept by whole calendar months. */
export function requireWholeMonths(rule: Disclosure, from: Date, to: Date): void {
  if (!rule.aggregated) return;
  const issues = (
    [
      ['from', from],
      ['to', to],
    ] as const
  )
    .filter(([, date]) => !isMonthStart(date))
    .map(([name]) => ({
      path: [name],
      message:
        'network figures are kept by whole calendar months: give the 1st of a month at 00:00 UTC (e.g. 2026-01-01T00:00:00Z)',
    }));
  if (issues.length > 0) throw new ValidationError(issues);
}

export interface ShownCount {
  count: number | null;
  fewerThan: number | null;
}

/** A report cell as the viewer may see it: "fewer than k" instead of a small count. */
export function shownCount(rule: Disclosure, count: number): ShownCount {
  return rule.aggregated && count < rule.minimumGroupSize
    ? { count: null, fewerThan: rule.minimumGroupSize }
    : { count, fewerThan: null };
}

/** Reports that may be broken down by category and region in these figures. */
export function breakdownReportsWhere(rule: Disclosure): Prisma.IntelReportWhereInput {
  return rule.aggregated ? { tlp: { notIn: [...LOGGED_MARKINGS] } } : {};
}

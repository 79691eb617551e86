import { isNetworkAdmin } from '../auth/roles.js';
import type { Viewer } from '../auth/viewer.js';

// Whose figures network statistics count. Everyone counts what their entities' own rules let them
// see; a network admin counts the whole network, as aggregates only, under the disclosure rule
// (disclosure.ts, docs/access-control.md#network-statistics). This is the only place where the
// NETWORK_ADMIN role widens what is counted.

export type StatisticsScope = 'NETWORK' | 'VISIBLE';

export function statisticsScope(viewer: Viewer | null): StatisticsScope {
  return isNetworkAdmin(viewer) ? 'NETWORK' : 'VISIBLE';
}

/** The entity's rule for this viewer's statistics: the rule itself, or nothing for the network. */
export function statisticsWhere<W extends object>(
  viewer: Viewer | null,
  rule: (viewer: Viewer | null) => W,
): W {
  // Every Prisma where input accepts the empty filter.
  return statisticsScope(viewer) === 'NETWORK' ? ({} as W) : rule(viewer);
}

import { z } from 'zod';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { prisma } from '../../db.js';
import type { Prisma, Region } from '../../generated/prisma/client.js';
import { Region as Regions } from '../../generated/prisma/enums.js';
import { RegionEnum } from '../agencies/agency.schema.js';
import {
  accessRequestVisibilityWhere,
  intelReportVisibilityWhere,
  matchVisibilityWhere,
} from '../intel/intel.access.js';
import { ProductCategoryEnum, TlpEnum } from '../intel/intel.schema.js';
import { operationVisibilityWhere, operationWorkWhere } from '../operations/operation.access.js';
import { OperationPhaseEnum, ResultTotalsRef } from '../operations/operation.schema.js';
import { figuresOfMany, resultTotals } from '../operations/result-totals.js';
import {
  breakdownReportsWhere,
  type Disclosure,
  disclosureFor,
  requireWholeMonths,
  shownCount,
} from './disclosure.js';
import { statisticsScope, statisticsWhere } from './statistics.access.js';

// Network indicators for the annual review. Every figure counts only what the viewer may see,
// through each entity's visibility rule; network admins get the whole network's figures, as
// counts and sums only, never the items behind them, under the disclosure rule of disclosure.ts.

interface Args {
  from: Date;
  to: Date;
  region: Region | null | undefined;
  disclosure: Disclosure;
}

async function reportFigures(context: Context, args: Args) {
  const rule = args.disclosure;
  const where = (region: Region | null | undefined): Prisma.IntelReportWhereInput => ({
    AND: [
      statisticsWhere(context.viewer, intelReportVisibilityWhere),
      { publishedAt: { gte: args.from, lt: args.to } },
      region ? { authorAgency: { regions: { has: region } } } : {},
    ],
  });
  const breakdown = (region: Region | null | undefined): Prisma.IntelReportWhereInput => ({
    AND: [where(region), breakdownReportsWhere(rule)],
  });
  const [total, byMarking, byCategory, byRegion] = await Promise.all([
    prisma.intelReport.count({ where: where(args.region) }),
    prisma.intelReport.groupBy({ by: ['tlp'], where: where(args.region), _count: { _all: true } }),
    prisma.intelReport.groupBy({
      by: ['category'],
      where: breakdown(args.region),
      _count: { _all: true },
    }),
    Promise.all(
      (args.region ? [args.region] : Object.values(Regions)).map(async (region) => ({
        region,
        count: await prisma.intelReport.count({ where: breakdown(region) }),
      })),
    ),
  ]);
  return {
    total,
    byMarking: byMarking
      .map((g) => ({ tlp: g.tlp, ...shownCount(rule, g._count._all) }))
      .sort((a, b) => a.tlp.localeCompare(b.tlp)),
    byCategory: byCategory
      .map((g) => ({ category: g.category, ...shownCount(rule, g._count._all) }))
      .sort((a, b) => a.category.localeCompare(b.category)),
    byRegion: byRegion
      .filter((r) => r.count > 0)
      .map((r) => ({ region: r.region, ...shownCount(rule, r.count) })),
  };
}

const Counted = <T extends string>(name: string, key: T, type: unknown) =>
  builder
    .objectRef<Record<T, string> & { count: number | null; fewerThan?: number | null }>(name)
    .implement({
      fields: (t) => ({
        [key]: t.field({ type: type as never, resolve: (row) => row[key] as never }),
        count: t.int({
          nullable: true,
          description:
            'Null when the figure draws on fewer items than `fewerThan` (network figures).',
          resolve: (row) => row.count,
        }),
        fewerThan: t.int({
          nullable: true,
          description:
            'Set when the count is withheld: it is at least 1 and less than this (the minimum group size).',
          resolve: (row) => row.fewerThan ?? null,
        }),
      }),
    });

const MarkingCount = Counted('MarkingCount', 'tlp', TlpEnum);
const CategoryCount = Counted('CategoryCount', 'category', ProductCategoryEnum);
const RegionCount = Counted('RegionCount', 'region', RegionEnum);
const PhaseCount = Counted('PhaseCount', 'phase', OperationPhaseEnum);

const ReportsShared = builder
  .objectRef<Awaited<ReturnType<typeof reportFigures>>>('ReportsSharedStatistics')
  .implement({
    description: 'Reports published in the period.',
    fields: (t) => ({
      total: t.exposeInt('total'),
      byMarking: t.field({ type: [MarkingCount], resolve: (r) => r.byMarking as never }),
      byCategory: t.field({ type: [CategoryCount], resolve: (r) => r.byCategory as never }),
      byRegion: t.field({
        type: [RegionCount],
        description: "By the author agency's region (an agency may be in several).",
        resolve: (r) => r.byRegion as never,
      }),
    }),
  });

const StatisticsScopeEnum = builder.enumType('StatisticsScope', {
  values: {
    VISIBLE: { description: 'What you may see.' },
    NETWORK: { description: 'The whole network, aggregated (network admins).' },
  },
});

const StatisticsDisclosure = builder.objectRef<Disclosure>('StatisticsDisclosure').implement({
  description:
    'How network figures (scope NETWORK) are kept from singling out one item: whole calendar months, breakdowns of at least `minimumGroupSize` items, TLP:RED and TLP:AMBER+STRICT reports counted by marking only. See docs/access-control.md.',
  fields: (t) => ({
    aggregated: t.exposeBoolean('aggregated', {
      description: 'The figures cover items you may not read, so the rule applies.',
    }),
    minimumGroupSize: t.exposeInt('minimumGroupSize'),
  }),
});

const NetworkStatistics = builder
  .objectRef<Args & { context: Context }>('NetworkStatistics')
  .implement({
    fields: (t) => ({
      disclosure: t.field({ type: StatisticsDisclosure, resolve: (s) => s.disclosure }),
      from: t.expose('from', { type: 'DateTime' }),
      to: t.expose('to', { type: 'DateTime' }),
      region: t.expose('region', { type: RegionEnum, nullable: true }),
      scope: t.field({
        type: StatisticsScopeEnum,
        resolve: (s) => statisticsScope(s.context.viewer),
      }),
      reportsShared: t.field({ type: ReportsShared, resolve: (s) => reportFigures(s.context, s) }),
      matchesFound: t.int({
        description: 'Hit/no-hit match records made in the period.',
        resolve: (s) =>
          prisma.intelMatch.count({
            where: {
              AND: [
                statisticsWhere(s.context.viewer, matchVisibilityWhere),
                { createdAt: { gte: s.from, lt: s.to } },
                s.region ? { agency: { regions: { has: s.region } } } : {},
              ],
            },
          }),
      }),
      accessRequestsGranted: t.int({
        resolve: (s) =>
          prisma.intelAccessRequest.count({
            where: {
              AND: [
                statisticsWhere(s.context.viewer, accessRequestVisibilityWhere),
                { status: 'APPROVED', decidedAt: { gte: s.from, lt: s.to } },
                s.region ? { requesterAgency: { regions: { has: s.region } } } : {},
              ],
            },
          }),
      }),
      operationsByPhase: t.field({
        type: [PhaseCount],
        description: 'Operations whose planned window overlaps the period.',
        resolve: async (s) => {
          const groups = await prisma.operation.groupBy({
            by: ['phase'],
            where: {
              AND: [
                statisticsWhere(s.context.viewer, operationVisibilityWhere),
                { plannedStart: { lt: s.to }, plannedEnd: { gte: s.from } },
                s.region ? { targetRegions: { has: s.region } } : {},
              ],
            },
            _count: { _all: true },
          });
          return groups
            .map((g) => ({ phase: g.phase, count: g._count._all }))
            .sort((a, b) => a.phase.localeCompare(b.phase)) as never;
        },
      }),
      results: t.field({
        type: ResultTotalsRef,
        description:
          'Results recorded in the period in operations whose working data you may see; money per currency. REFERRED_TO_COURT counts cases referred to court.',
        resolve: async (s) => {
          const { total } = await resultTotals({
            recordedAt: { gte: s.from, lt: s.to },
            operation: {
              AND: [
                statisticsWhere(s.context.viewer, operationWorkWhere),
                s.region ? { targetRegions: { has: s.region } } : {},
              ],
            },
          });
          // Network figures drawn from fewer operations than the minimum are left out.
          return s.disclosure.aggregated
            ? figuresOfMany(total, s.disclosure.minimumGroupSize)
            : total;
        },
      }),
    }),
  });

builder.queryField('networkStatistics', (t) =>
  t.field({
    type: NetworkStatistics,
    description:
      'Indicators for the period [from, to): reports shared, matches, access granted, operations, results. Counts only what you may see; network admins see the whole network aggregated.',
    authScopes: { signedIn: true },
    args: {
      from: t.arg({ type: 'DateTime' }),
      to: t.arg({ type: 'DateTime' }),
      region: t.arg({ type: RegionEnum, required: false }),
    },
    // A loose object: `region`, which it does not check, must pass through.
    validate: z
      .looseObject({ from: z.date(), to: z.date() })
      .refine((a) => a.to > a.from, { error: 'must be after from', path: ['to'] }),
    resolve: (_parent, args, context) => {
      const disclosure = disclosureFor(context.viewer);
      requireWholeMonths(disclosure, args.from, args.to);
      return { ...args, region: args.region ?? null, disclosure, context };
    },
  }),
);

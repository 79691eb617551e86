import { z } from 'zod';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { prisma } from '../../db.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { ObservableType } from '../../generated/prisma/enums.js';
import { RegionEnum } from '../agencies/agency.schema.js';
import { recordAccess } from './access-log.js';
import { intelReportVisibilityWhere, LOGGED_MARKINGS } from './intel.access.js';
import {
  IpRightEnum,
  ObservableTypeEnum,
  ProductCategoryEnum,
  ReportStatusEnum,
  TlpEnum,
} from './intel.schema.js';
import { normaliseObservable, observableHash } from './observables.js';
import { searchTerms } from './search-text.js';

// Search and lookup over the reports a viewer may see. ────────────────────────────────────────────────────────────────────────────────

const IntelReportFilter = builder.inputType('IntelReportFilter', {
  fields: (t) => ({
    search: t.string({
      required: false,
      description:
        'Words to find in title, summary and brands, in any of our languages and either Chinese script; synonyms such as 假冒 / 翻版 / counterfeit count.',
      validate: z.string().max(200, { error: 'must be at most 200 characters long' }),
    }),
    tlp: t.field({ type: [TlpEnum], required: false }),
    status: t.field({ type: [ReportStatusEnum], required: false }),
    ipRight: t.field({ type: [IpRightEnum], required: false }),
    category: t.field({ type: [ProductCategoryEnum], required: false }),
    brand: t.string({ required: false, description: 'A brand, as spelled in reports.' }),
    observedCountry: t.field({ type: 'Iso3166Code', required: false }),
    routeCountry: t.field({
      type: 'Iso3166Code',
      required: false,
      description: 'Origin, transit or destination.',
    }),
    region: t.field({ type: RegionEnum, required: false, description: "Author agency's region." }),
    authorAgencyId: t.globalID({ required: false }),
    observedAfter: t.field({ type: 'DateTime', required: false }),
    observedBefore: t.field({ type: 'DateTime', required: false }),
    publishedAfter: t.field({ type: 'DateTime', required: false }),
    publishedBefore: t.field({ type: 'DateTime', required: false }),
    minSightings: t.int({
      required: false,
      validate: z.number().int().min(0, { error: 'cannot be negative' }),
    }),
  }),
});

const IntelReportOrder = builder.enumType('IntelReportOrder', {
  values: [
    'PUBLISHED_AT_DESC',
    'CREATED_AT_DESC',
    'UPDATED_AT_DESC',
    'OBSERVED_FROM_DESC',
    'SIGHTINGS_DESC',
  ] as const,
});

type Filter = typeof IntelReportFilter.$inferInput;

function filterWhere(filter: Filter | null | undefined): Prisma.IntelReportWhereInput[] {
  if (!filter) return [];
  const and: Prisma.IntelReportWhereInput[] = [];
  if (filter.search) {
    for (const alternatives of searchTerms(filter.search)) {
      and.push({ OR: alternatives.map((term) => ({ searchText: { contains: term } })) });
    }
  }
  if (filter.tlp?.length) and.push({ tlp: { in: filter.tlp } });
  if (filter.status?.length) and.push({ status: { in: filter.status } });
  if (filter.ipRight?.length) and.push({ ipRight: { in: filter.ipRight } });
  if (filter.category?.length) and.push({ category: { in: filter.category } });
  if (filter.brand) and.push({ brands: { has: filter.brand.trim() } });
  if (filter.observedCountry) and.push({ observedCountry: filter.observedCountry });
  if (filter.routeCountry) {
    const c = filter.routeCountry;
    and.push({
      OR: [{ originCountry: c }, { destinationCountry: c }, { transitCountries: { has: c } }],
    });
  }
  if (filter.region) and.push({ authorAgency: { regions: { has: filter.region } } });
  if (filter.authorAgencyId) and.push({ authorAgencyId: filter.authorAgencyId.id });
  if (filter.observedAfter) and.push({ observedTo: { gte: filter.observedAfter } });
  if (filter.observedBefore) and.push({ observedFrom: { lte: filter.observedBefore } });
  if (filter.publishedAfter) and.push({ publishedAt: { gte: filter.publishedAfter } });
  if (filter.publishedBefore) and.push({ publishedAt: { lte: filter.publishedBefore } });
  if (filter.minSightings) and.push({ sightingCount: { gte: filter.minSightings } });
  return and;
}

/**
 * A count narrowed by words of the reports (search, brand) tells something of their content:
 * the TLP:AMBER+STRICT reports of other agencies it counts are written to the access log as
 * SEARCH, as an opened report is as VIEW. Listed reports are logged by their own reading.
 */
async function logWordSearch(
  context: Context,
  filter: Filter | null | undefined,
  where: Prisma.IntelReportWhereInput,
  limit: number,
): Promise<void> {
  const viewer = context.viewer;
  if (!viewer || !(filter?.search || filter?.brand)) return;
  const counted = await prisma.intelReport.findMany({
    where: {
      AND: [where, { tlp: { in: [...LOGGED_MARKINGS] }, authorAgencyId: { not: viewer.agencyId } }],
    },
    select: { id: true, tlp: true, authorAgencyId: true },
    take: limit,
  });
  await Promise.all(counted.map((report) => recordAccess(context, report, 'SEARCH')));
}

const ORDER: Record<
  typeof IntelReportOrder.$inferType,
  Prisma.IntelReportOrderByWithRelationInput[]
> = {
  // Publication time, drafts by creation time; an index serves it, so a page stops early.
  PUBLISHED_AT_DESC: [{ sortKey: 'desc' }, { id: 'asc' }],
  CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'asc' }],
  UPDATED_AT_DESC: [{ updatedAt: 'desc' }, { id: 'asc' }],
  OBSERVED_FROM_DESC: [{ observedFrom: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }],
  SIGHTINGS_DESC: [{ sightingCount: 'desc' }, { id: 'asc' }],
};

builder.queryField('intelReports', (t) =>
  t.prismaConnection({
    type: 'IntelReport',
    cursor: 'id',
    description: 'Reports you may see, filtered and searched; totalCount counts only those.',
    authScopes: { signedIn: true },
    args: {
      filter: t.arg({ type: IntelReportFilter, required: false }),
      orderBy: t.arg({ type: IntelReportOrder, defaultValue: 'PUBLISHED_AT_DESC' }),
    },
    totalCount: async (_parent, args, context) => {
      const where = {
        AND: [intelReportVisibilityWhere(context.viewer), ...filterWhere(args.filter)],
      };
      await logWordSearch(context, args.filter, where, COUNT_LIMIT_MAX);
      return prisma.intelReport.count({ where });
    },
    resolve: (query, _parent, args, context) =>
      prisma.intelReport.findMany({
        ...query,
        where: { AND: [intelReportVisibilityWhere(context.viewer), ...filterWhere(args.filter)] },
        orderBy: ORDER[args.orderBy ?? 'PUBLISHED_AT_DESC'],
      }),
  }),
);

const IntelReportCount = builder
  .objectRef<{ count: number; exact: boolean }>('IntelReportCount')
  .implement({
    description:
      'How many reports you may see match a filter, counted up to a limit: "1,000+" when there are more.',
    fields: (t) => ({
      count: t.exposeInt('count', {
        description: 'The number of matching reports, or the limit when there are more.',
      }),
      exact: t.exposeBoolean('exact', {
        description: 'False when more reports match than were counted.',
      }),
    }),
  });

const COUNT_LIMIT_MAX = 100_000;

builder.queryField('intelReportCount', (t) =>
  t.field({
    type: IntelReportCount,
    description:
      "Counts the reports you may see that match a filter, stopping at `upTo`: unlike a connection's totalCount, a broad filter does not visit every matching report.",
    authScopes: { signedIn: true },
    args: {
      filter: t.arg({ type: IntelReportFilter, required: false }),
      upTo: t.arg.int({
        defaultValue: 1000,
        validate: z
          .number()
          .int()
          .min(1, { error: 'must be at least 1' })
          .max(COUNT_LIMIT_MAX, { error: `must be at most ${COUNT_LIMIT_MAX}` }),
      }),
    },
    resolve: async (_parent, args, context) => {
      const where = {
        AND: [intelReportVisibilityWhere(context.viewer), ...filterWhere(args.filter)],
      };
      await logWordSearch(context, args.filter, where, args.upTo);
      // Counting one row past the limit tells "exactly upTo" from "more than upTo".
      const counted = await prisma.intelReport.count({ where, take: args.upTo + 1 });
      return { count: Math.min(counted, args.upTo), exact: counted <= args.upTo };
    },
  }),
);

const ObservableLookup = builder
  .objectRef<{ type: ObservableType; value: string; hash: Uint8Array<ArrayBuffer> }>(
    'ObservableLookup',
  )
  .implement({
    fields: (t) => ({
      type: t.expose('type', { type: ObservableTypeEnum }),
      normalisedValue: t.exposeString('value'),
      reports: t.prismaField({
        type: ['IntelReport'],
        description: 'Reports you may see that carry this value (100 at most, newest first).',
        resolve: (query, lookup, _args, context) =>
          prisma.intelReport.findMany({
            ...query,
            where: {
              AND: [intelReportVisibilityWhere(context.viewer)],
              observables: { some: { valueHash: lookup.hash } },
            },
            orderBy: [{ sortKey: 'desc' }, { id: 'asc' }],
            take: 100,
          }),
      }),
    }),
  });

builder.queryField('lookupObservable', (t) =>
  t.field({
    type: ObservableLookup,
    description:
      'Is this container, seller, domain… already known? Answers from reports you may see.',
    authScopes: { signedIn: true },
    args: {
      type: t.arg({ type: ObservableTypeEnum }),
      value: t.arg.string(),
    },
    validate: z
      .object({ type: z.enum(ObservableType), value: z.string() })
      .superRefine((args, ctx) => {
        const result = normaliseObservable(args.type, args.value);
        if (!result.ok) ctx.addIssue({ code: 'custom', path: ['value'], message: result.message });
      }),
    resolve: (_parent, args) => {
      const result = normaliseObservable(args.type, args.value);
      const value = result.ok ? result.value : args.value;
      return { type: args.type, value, hash: observableHash(args.type, value) };
    },
  }),
);

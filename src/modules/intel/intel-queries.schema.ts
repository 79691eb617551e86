import { z } from 'zod';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { ValidationError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { type AccessRequestStatus, ObservableType } from '../../generated/prisma/enums.js';
import { RegionEnum } from '../agencies/agency.schema.js';
import { openRed, recordAccess, statePurpose } from './access-log.js';
import {
  accessRequestVisibilityWhere,
  intelReportVisibilityWhere,
  LOGGED_MARKINGS,
  matchVisibilityWhere,
  redAddressedToWhere,
  reportVisibilityFor,
} from './intel.access.js';
import {
  AccessRequestStatusEnum,
  IntelReportRef,
  IpRightEnum,
  ObservableTypeEnum,
  ProductCategoryEnum,
  ReportStatusEnum,
  TlpEnum,
} from './intel.schema.js';
import { normaliseObservable, observableHash } from './observables.js';
import { searchTerms } from './search-text.js';

// The intelligence module's root queries: searching and counting reports, looking up an
// observable, opening one report (with a stated purpose where the marking asks for one), the
// notices of TLP:RED reports addressed to the viewer, hit/no-hit matches and access requests.

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
 * the TLP:AMBER+STRICT and RED reports of other agencies it counts are written to the access log
 * as SEARCH, as an opened report is as VIEW. Listed reports are logged by their own reading.
 */
function countsWords(filter: Filter | null | undefined): boolean {
  return Boolean(filter?.search || filter?.brand);
}

/** Logs the sensitive reports of other agencies among those a word search counted. */
async function logCounted(
  context: Context,
  counted: readonly { id: string; tlp: string; authorAgencyId: string }[],
): Promise<void> {
  await Promise.all(counted.map((report) => recordAccess(context, report, 'SEARCH')));
}

/** Every sensitive report of other agencies an exact count narrowed by words counts. */
async function logWordSearch(
  context: Context,
  filter: Filter | null | undefined,
  where: Prisma.IntelReportWhereInput,
): Promise<void> {
  const viewer = context.viewer;
  if (!viewer || !countsWords(filter)) return;
  const counted = await prisma.intelReport.findMany({
    where: {
      AND: [where, { tlp: { in: [...LOGGED_MARKINGS] }, authorAgencyId: { not: viewer.agencyId } }],
    },
    select: { id: true, tlp: true, authorAgencyId: true },
  });
  await logCounted(context, counted);
}

/**
 * Counts matching reports up to `upTo + 1` (one past the limit tells "exactly upTo" from "more").
 * Narrowed by words, the count reads the rows it counts in the same pass, so the reports it
 * logs are exactly those it counted, and the words are tested once per row.
 */
async function boundedCount(
  context: Context,
  filter: Filter | null | undefined,
  where: Prisma.IntelReportWhereInput,
  upTo: number,
): Promise<number> {
  if (!countsWords(filter)) return prisma.intelReport.count({ where, take: upTo + 1 });
  const counted = await prisma.intelReport.findMany({
    where,
    select: { id: true, tlp: true, authorAgencyId: true },
    take: upTo + 1,
  });
  await logCounted(context, counted);
  return counted.length;
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
      await logWordSearch(context, args.filter, where);
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
      const counted = await boundedCount(context, args.filter, where, args.upTo);
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

const purposeSchema = z
  .string()
  .trim()
  .min(10, { error: 'state the purpose in at least 10 characters' })
  .max(500, { error: 'must be at most 500 characters long' });

builder.queryField('intelReport', (t) =>
  t.prismaField({
    type: 'IntelReport',
    nullable: true,
    description:
      'Opens one report. A TLP:RED report addressed to you opens only here, with a stated `purpose`, and every opening is logged; for TLP:AMBER+STRICT the purpose, if given, is logged with the reading.',
    authScopes: { signedIn: true },
    args: {
      id: t.arg.globalID({ for: IntelReportRef }),
      purpose: t.arg.string({ required: false, validate: purposeSchema.optional() }),
    },
    resolve: async (query, _parent, { id, purpose }, context) => {
      const viewer = signedInViewer(context);
      if (purpose) statePurpose(context, id.id, purpose);
      const addressed = await prisma.intelReport.count({
        where: { id: id.id, AND: [redAddressedToWhere(viewer)] },
      });
      if (addressed > 0) {
        if (!purpose) {
          throw new ValidationError([
            { path: ['purpose'], message: 'reading a TLP:RED report requires a stated purpose' },
          ]);
        }
        openRed(context, id.id);
      }
      return prisma.intelReport.findFirst({
        ...query,
        where: {
          id: id.id,
          AND: [reportVisibilityFor(context)],
        },
      });
    },
  }),
);

const RedReportNotice = builder
  .objectRef<{ id: string; publishedAt: Date | null; authorAgencyId: string; opened: boolean }>(
    'RedReportNotice',
  )
  .implement({
    description:
      'A TLP:RED report addressed to you. Open it with intelReport(id:, purpose:); the content is not shown here.',
    fields: (t) => ({
      reportId: t.field({
        type: 'ID',
        resolve: (notice) => Buffer.from(`IntelReport:${notice.id}`).toString('base64'),
      }),
      publishedAt: t.expose('publishedAt', { type: 'DateTime', nullable: true }),
      authorAgency: t.prismaField({
        type: 'Agency',
        resolve: (query, notice) =>
          prisma.agency.findUniqueOrThrow({ ...query, where: { id: notice.authorAgencyId } }),
      }),
      opened: t.exposeBoolean('opened', { description: 'You have opened it before.' }),
    }),
  });

builder.queryField('redReportsForMe', (t) =>
  t.field({
    type: [RedReportNotice],
    description: 'TLP:RED reports addressed to you by name, newest first (100 at most).',
    authScopes: { signedIn: true },
    resolve: async (_parent, _args, context) => {
      const viewer = signedInViewer(context);
      const reports = await prisma.intelReport.findMany({
        where: redAddressedToWhere(viewer),
        orderBy: [{ publishedAt: 'desc' }, { id: 'asc' }],
        take: 100,
        select: {
          id: true,
          publishedAt: true,
          authorAgencyId: true,
          accessLog: { where: { userId: viewer.userId }, select: { id: true }, take: 1 },
        },
      });
      return reports.map((r) => ({ ...r, opened: r.accessLog.length > 0 }));
    },
  }),
);

builder.queryField('intelMatches', (t) =>
  t.prismaConnection({
    type: 'IntelMatch',
    cursor: 'id',
    description: "Your agency's hit/no-hit matches, newest first.",
    authScopes: { signedIn: true },
    totalCount: (_parent, _args, context) =>
      prisma.intelMatch.count({ where: matchVisibilityWhere(context.viewer) }),
    resolve: (query, _parent, _args, context) =>
      prisma.intelMatch.findMany({
        ...query,
        where: matchVisibilityWhere(context.viewer),
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      }),
  }),
);

const AccessRequestDirection = builder.enumType('AccessRequestDirection', {
  values: {
    INCOMING: { description: "Requests for your agency's reports." },
    OUTGOING: { description: 'Requests your agency made.' },
  },
});

builder.queryField('intelAccessRequests', (t) =>
  t.prismaConnection({
    type: 'IntelAccessRequest',
    cursor: 'id',
    authScopes: { signedIn: true },
    args: {
      direction: t.arg({ type: AccessRequestDirection }),
      status: t.arg({ type: AccessRequestStatusEnum, required: false }),
    },
    totalCount: (_parent, args, context) =>
      prisma.intelAccessRequest.count({ where: requestWhere(context, args) }),
    resolve: (query, _parent, args, context) =>
      prisma.intelAccessRequest.findMany({
        ...query,
        where: requestWhere(context, args),
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      }),
  }),
);

/** One direction of the requests the viewer may see (accessRequestVisibilityWhere). */
function requestWhere(
  context: Parameters<typeof signedInViewer>[0],
  args: { direction: 'INCOMING' | 'OUTGOING'; status?: AccessRequestStatus | null },
): Prisma.IntelAccessRequestWhereInput {
  const agencyId = signedInViewer(context).agencyId;
  return {
    AND: [
      accessRequestVisibilityWhere(context.viewer),
      args.direction === 'INCOMING'
        ? { report: { authorAgencyId: agencyId } }
        : { requesterAgencyId: agencyId },
      args.status ? { status: args.status } : {},
    ],
  };
}

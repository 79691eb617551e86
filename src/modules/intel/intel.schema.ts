import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import {
  AccessRequestStatus,
  AudienceScope,
  IpRight,
  ObservableType,
  Pap,
  ProductCategory,
  ReportStatus,
  SightingType,
  SourceReliability,
  Tlp,
} from '../../generated/prisma/enums.js';
import { RegionEnum } from '../agencies/agency.schema.js';
import { loadGroup } from '../common/by-id.js';
import { userVisibilityWhere, visibleUser } from '../users/user.access.js';
import { recordAccess } from './access-log.js';
import { type Correlation, correlationsFor } from './correlations.js';
import {
  AUTHOR_ONLY_CHANGES,
  accessRequestVisibilityWhere,
  intelReportVisibilityWhere,
  matchVisibilityWhere,
  mayExport,
  reportVisibilityFor,
  visibleObservable,
  visibleReport,
} from './intel.access.js';
import { stixBundle } from './stix.js';

export const TlpEnum = builder.enumType(Tlp, {
  name: 'Tlp',
  description: 'Traffic Light Protocol 2.0 marking. AMBER_STRICT is TLP:AMBER+STRICT.',
});
export const PapEnum = builder.enumType(Pap, {
  name: 'Pap',
  description: 'Permissible Actions Protocol.',
});
export const IpRightEnum = builder.enumType(IpRight, { name: 'IpRight' });
export const ProductCategoryEnum = builder.enumType(ProductCategory, { name: 'ProductCategory' });
export const SourceReliabilityEnum = builder.enumType(SourceReliability, {
  name: 'SourceReliability',
  description:
    'Admiralty source reliability: A completely reliable … E unreliable, F cannot be judged.',
});
export const ReportStatusEnum = builder.enumType(ReportStatus, { name: 'ReportStatus' });
export const AudienceScopeEnum = builder.enumType(AudienceScope, { name: 'AudienceScope' });
export const ObservableTypeEnum = builder.enumType(ObservableType, { name: 'ObservableType' });

const CREDIBILITY = [
  'confirmed',
  'probably true',
  'possibly true',
  'doubtful',
  'improbable',
  'cannot be judged',
];

const Grading = builder
  .objectRef<{ sourceReliability: SourceReliability; infoCredibility: number }>('Grading')
  .implement({
    description: 'Admiralty (NATO) grading of a report, e.g. B2.',
    fields: (t) => ({
      sourceReliability: t.expose('sourceReliability', { type: SourceReliabilityEnum }),
      infoCredibility: t.exposeInt('infoCredibility', {
        description:
          '1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged.',
      }),
      code: t.string({ resolve: (g) => `${g.sourceReliability}${g.infoCredibility}` }),
      description: t.string({
        resolve: (g) =>
          `source ${g.sourceReliability}, information ${CREDIBILITY[g.infoCredibility - 1]}`,
      }),
    }),
  });

const Route = builder
  .objectRef<{
    originCountry: string | null;
    transitCountries: string[];
    destinationCountry: string | null;
  }>('Route')
  .implement({
    description: 'ISO 3166 codes of where the goods came from, passed through and were going.',
    fields: (t) => ({
      origin: t.expose('originCountry', { type: 'Iso3166Code', nullable: true }),
      transit: t.expose('transitCountries', { type: ['Iso3166Code'] }),
      destination: t.expose('destinationCountry', { type: 'Iso3166Code', nullable: true }),
    }),
  });

export const Money = builder.objectRef<{ amount: string; currency: string }>('Money').implement({
  description: 'An amount in an ISO 4217 currency; amounts are decimal strings, never floats.',
  fields: (t) => ({
    amount: t.exposeString('amount'),
    currency: t.expose('currency', { type: 'Currency' }),
  }),
});

export const IntelObservableRef = builder.prismaNode('IntelObservable', {
  id: { field: 'id' },
  // Each field selects its column: a page of reports reads three observables a report.
  select: { id: true },
  nullable: true,
  // An observable is visible exactly when its report is.
  findUnique: (id, context) => ({ id, report: intelReportVisibilityWhere(context.viewer) }),
  fields: (t) => ({
    type: t.expose('type', { type: ObservableTypeEnum }),
    value: t.exposeString('value', { description: 'The normalised value.' }),
    note: t.exposeString('note', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('IntelReportVersion', {
  description: 'One change to a published report.',
  fields: (t) => ({
    version: t.exposeInt('version'),
    changedAt: t.expose('changedAt', { type: 'DateTime' }),
    changedBy: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'Null when you may not see the person (another agency).',
      resolve: (query, version, _args, context) => visibleUser(context, version.changedById, query),
    }),
    changes: t.field({
      type: 'JSON',
      description:
        'Each changed field with its value before (`from`) and after (`to`). Audience and matching changes are shown to the author agency only, as the audience itself is.',
      select: { report: { select: { authorAgencyId: true } } },
      resolve: (version, _args, context) => {
        const changes = version.changes as Record<string, unknown>;
        if (version.report.authorAgencyId === context.viewer?.agencyId) return changes;
        return Object.fromEntries(
          Object.entries(changes).filter(([field]) => !AUTHOR_ONLY_CHANGES.has(field)),
        );
      },
    }),
  }),
});

export const IntelReportRef = builder.prismaNode('IntelReport', {
  id: { field: 'id' },
  // What the read step and the rules need; every other field selects its own columns, so a
  // search page reads what it shows, not the whole row (search text, audience, value).
  select: { id: true, tlp: true, authorAgencyId: true },
  nullable: true,
  authScopes: { signedIn: true },
  // Every report any path returns is a reading: sensitive ones are logged before delivery.
  onRead: (report, context) => recordAccess(context, report, 'VIEW'),
  findUnique: (id, context) => ({
    id,
    AND: [reportVisibilityFor(context)],
  }),
  fields: (t) => ({
    title: t.exposeString('title'),
    summary: t.exposeString('summary'),
    language: t.exposeString('language', { description: 'BCP 47 tag of the original language.' }),
    ipRight: t.expose('ipRight', { type: IpRightEnum }),
    category: t.expose('category', { type: ProductCategoryEnum }),
    hsCode: t.exposeString('hsCode', { nullable: true }),
    brands: t.exposeStringList('brands'),
    observedCountry: t.expose('observedCountry', { type: 'Iso3166Code', nullable: true }),
    route: t.field({
      type: Route,
      select: { originCountry: true, transitCountries: true, destinationCountry: true },
      resolve: (report) => report,
    }),
    observedFrom: t.expose('observedFrom', { type: 'DateTime', nullable: true }),
    observedTo: t.expose('observedTo', { type: 'DateTime', nullable: true }),
    estimatedQuantity: t.exposeInt('estimatedQuantity', { nullable: true }),
    quantityUnit: t.exposeString('quantityUnit', { nullable: true }),
    estimatedValue: t.field({
      type: Money,
      nullable: true,
      select: { estimatedValue: true, currency: true },
      resolve: (report) =>
        report.estimatedValue && report.currency
          ? { amount: report.estimatedValue.toFixed(2), currency: report.currency }
          : null,
    }),
    grading: t.field({
      type: Grading,
      select: { sourceReliability: true, infoCredibility: true },
      resolve: (report) => report,
    }),
    tlp: t.expose('tlp', { type: TlpEnum }),
    pap: t.expose('pap', { type: PapEnum }),
    status: t.expose('status', { type: ReportStatusEnum }),
    retractionReason: t.exposeString('retractionReason', { nullable: true }),
    version: t.exposeInt('version'),
    authorAgency: t.relation('authorAgency'),
    author: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'The analyst who wrote it; null when you may not see them (another agency).',
      select: { authorUserId: true },
      resolve: (query, report, _args, context) => visibleUser(context, report.authorUserId, query),
    }),
    audience: t.field({
      type: IntelAudience,
      nullable: true,
      description: 'Who may read it. Shown to the author agency only.',
      select: { audienceScope: true, audienceRegions: true },
      resolve: (report, _args, context) =>
        report.authorAgencyId === context.viewer?.agencyId ? report : null,
    }),
    matchingOptOut: t.boolean({
      nullable: true,
      description: 'Whether the author opted out of hit/no-hit matching (author agency only).',
      select: { matchingOptOut: true },
      resolve: (report, _args, context) =>
        report.authorAgencyId === context.viewer?.agencyId ? report.matchingOptOut : null,
    }),
    mayExport: t.boolean({
      description: 'False for recipients of TLP:AMBER+STRICT and TLP:RED: read, do not forward.',
      resolve: (report, _args, context) => mayExport(signedInViewer(context), report),
    }),
    stixBundle: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'The report as a STIX 2.1 bundle (official TLP 2.0 markings). Refused to recipients of AMBER+STRICT and RED. Each export is logged. Also at GET /stix/reports/{id}.',
      resolve: (report, _args, context) => stixBundle(context, report.id),
    }),
    sightingCounts: t.field({
      type: SightingCounts,
      select: {
        sightingCount: true,
        sightingsSeen: true,
        sightingsTrue: true,
        sightingsFalse: true,
      },
      resolve: (report) => ({
        total: report.sightingCount,
        seen: report.sightingsSeen,
        truePositive: report.sightingsTrue,
        falsePositive: report.sightingsFalse,
      }),
    }),
    sightings: t.relation('sightings', {
      description: 'Sightings by any agency, newest first; visible to whoever may read the report.',
      query: { orderBy: [{ seenAt: 'desc' }, { id: 'asc' }], take: 100 },
    }),
    accessLog: t.relatedConnection('accessLog', {
      cursor: 'id',
      totalCount: true,
      nullable: true,
      description:
        "Who read (AMBER+STRICT, RED) or exported this report, and why. The author agency's admins only; null for others.",
      authScopes: (report, _args, context) =>
        context.viewer?.agencyId === report.authorAgencyId &&
        context.viewer.roles.includes('AGENCY_ADMIN'),
      unauthorizedResolver: () => null,
      query: { orderBy: [{ at: 'desc' }, { id: 'asc' }] },
    }),
    observables: t.relation('observables', {
      query: { orderBy: [{ type: 'asc' }, { createdAt: 'asc' }] },
    }),
    versions: t.relation('versions', {
      description: 'Changes made after publication, newest first.',
      query: { orderBy: { version: 'desc' } },
    }),
    correlations: t.field({
      type: [IntelCorrelation],
      description:
        'Other reports you may see that share an observable with this one (50 at most, newest first).',
      resolve: (report, _args, context) => correlationsFor(context, report.id),
    }),
    publishedAt: t.expose('publishedAt', { type: 'DateTime', nullable: true }),
    retractedAt: t.expose('retractedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const IntelAudience = builder.objectRef<{
  id: string;
  audienceScope: AudienceScope;
  audienceRegions: string[];
}>('IntelAudience');
IntelAudience.implement({
  fields: (t) => ({
    scope: t.expose('audienceScope', { type: AudienceScopeEnum }),
    regions: t.field({
      type: [RegionEnum],
      resolve: (report) => report.audienceRegions as (typeof RegionEnum.$inferType)[],
    }),
    agencies: t.prismaField({
      type: ['Agency'],
      description: 'Agencies chosen by the author, and those granted access on request.',
      resolve: async (query, report, _args, context) => {
        const chosen = await loadGroup(
          context,
          'IntelReport.audienceAgencies',
          query,
          (reportIds, selection) =>
            prisma.intelAudienceAgency.findMany({
              where: { reportId: { in: reportIds } },
              select: {
                reportId: true,
                agency: Object.keys(selection).length > 0 ? selection : true,
              },
              orderBy: { agency: { nameEn: 'asc' } },
            }),
          (row) => row.reportId,
          report.id,
        );
        return chosen.map((row) => row.agency);
      },
    }),
    recipients: t.prismaField({
      type: ['User'],
      description:
        'Named recipients of a TLP:RED report whom you may see (people of your agency; network admins see all). The others are only counted, in `otherRecipientCount`.',
      resolve: (query, report, _args, context) =>
        prisma.user.findMany({
          ...query,
          where: {
            intelRecipientOf: { some: { reportId: report.id } },
            AND: [userVisibilityWhere(context.viewer)],
          },
          orderBy: { displayName: 'asc' },
        }),
    }),
    otherRecipientCount: t.int({
      description:
        'Named recipients you may not see (people of other agencies): how many, and nothing else about them.',
      resolve: async (report, _args, context) => {
        const named = { intelRecipientOf: { some: { reportId: report.id } } };
        const [all, visible] = await Promise.all([
          prisma.user.count({ where: named }),
          prisma.user.count({ where: { ...named, AND: [userVisibilityWhere(context.viewer)] } }),
        ]);
        return all - visible;
      },
    }),
  }),
});

const IntelCorrelation = builder.objectRef<Correlation>('IntelCorrelation').implement({
  description: 'Another report that shares observables with this one.',
  fields: (t) => ({
    report: t.prismaField({
      type: 'IntelReport',
      resolve: async (query, c, _args, context) => {
        const report = await visibleReport(context, c.reportId, query);
        if (!report) throw new NotFoundError('report');
        return report;
      },
    }),
    sharedObservables: t.prismaField({
      type: ['IntelObservable'],
      description: "The other report's observables that match this one's.",
      resolve: async (query, c, _args, context) => {
        const found = await Promise.all(
          c.observables.map((o) => visibleObservable(context, o.id, query)),
        );
        return found.filter((o) => o !== null);
      },
    }),
  }),
});

const SightingCounts = builder
  .objectRef<{ total: number; seen: number; truePositive: number; falsePositive: number }>(
    'SightingCounts',
  )
  .implement({
    fields: (t) => ({
      total: t.exposeInt('total'),
      seen: t.exposeInt('seen'),
      truePositive: t.exposeInt('truePositive'),
      falsePositive: t.exposeInt('falsePositive'),
    }),
  });

builder.prismaObject('IntelAccessLog', {
  description: 'One reading or export of a report. Append-only.',
  fields: (t) => ({
    action: t.exposeString('action'),
    purpose: t.exposeString('purpose', { nullable: true }),
    at: t.expose('at', { type: 'DateTime' }),
    agency: t.relation('agency'),
    readerName: t.string({
      select: { user: { select: { displayName: true } } },
      resolve: (entry) => entry.user.displayName,
    }),
    readerEmail: t.field({
      type: 'EmailAddress',
      select: { user: { select: { email: true } } },
      resolve: (entry) => entry.user.email,
    }),
    credentialName: t.string({
      nullable: true,
      description:
        "The API credential a partner tool read it with (reader: the credential's issuer); null for a person's reading.",
      select: { credential: { select: { name: true } } },
      resolve: (entry) => entry.credential?.name ?? null,
    }),
  }),
});

export const SightingTypeEnum = builder.enumType(SightingType, { name: 'SightingType' });
export const AccessRequestStatusEnum = builder.enumType(AccessRequestStatus, {
  name: 'AccessRequestStatus',
});

builder.prismaObject('IntelSighting', {
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.expose('type', { type: SightingTypeEnum }),
    seenAt: t.expose('seenAt', { type: 'DateTime' }),
    country: t.expose('country', { type: 'Iso3166Code', nullable: true }),
    quantity: t.exposeInt('quantity', { nullable: true }),
    note: t.exposeString('note', { nullable: true }),
    agency: t.relation('agency'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

// ─── Hit/no-hit ────────────────────────────────────────────────────────────────────────────

export const IntelMatchRef = builder.prismaNode('IntelMatch', {
  id: { field: 'id' },
  nullable: true,
  description:
    'Another agency holds a report that shares an observable of this type with one of yours, and you may not read it. Nothing else about it is revealed.',
  authScopes: { signedIn: true },
  // A match is seen by its own agency only.
  findUnique: (id, context) => ({ id, AND: [matchVisibilityWhere(context.viewer)] }),
  fields: (t) => ({
    report: t.prismaField({
      type: 'IntelReport',
      nullable: true,
      description: 'Your report that matched (null if you personally may not read it).',
      resolve: (query, match, _args, context) =>
        prisma.intelReport.findFirst({
          ...query,
          where: { id: match.reportId, AND: [intelReportVisibilityWhere(context.viewer)] },
        }),
    }),
    counterpartAgency: t.relation('counterpartAgency'),
    observableType: t.expose('observableType', { type: ObservableTypeEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    accessRequest: t.prismaField({
      type: 'IntelAccessRequest',
      nullable: true,
      description: 'Your latest request for access through this match.',
      resolve: (query, match) =>
        prisma.intelAccessRequest.findFirst({
          ...query,
          where: { matchId: match.id },
          orderBy: { createdAt: 'desc' },
        }),
    }),
  }),
});

// ─── Access requests ───────────────────────────────────────────────────────────────────────

export const IntelAccessRequestRef = builder.prismaNode('IntelAccessRequest', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { signedIn: true },
  findUnique: (id, context) => ({ id, AND: [accessRequestVisibilityWhere(context.viewer)] }),
  fields: (t) => ({
    status: t.expose('status', { type: AccessRequestStatusEnum }),
    justification: t.exposeString('justification'),
    requesterAgency: t.relation('requesterAgency'),
    requester: t.prismaField({
      type: 'User',
      nullable: true,
      resolve: (query, request, _args, context) => visibleUser(context, request.requesterId, query),
    }),
    requesterName: t.string({
      description: 'Shown to the author agency, which must know who asks.',
      select: { requester: { select: { displayName: true } } },
      resolve: (request) => request.requester.displayName,
    }),
    report: t.prismaField({
      type: 'IntelReport',
      nullable: true,
      description: 'The report asked for: null until you may read it.',
      resolve: (query, request, _args, context) =>
        prisma.intelReport.findFirst({
          ...query,
          where: { id: request.reportId, AND: [intelReportVisibilityWhere(context.viewer)] },
        }),
    }),
    decisionReason: t.exposeString('decisionReason', { nullable: true }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

import { z } from 'zod';
import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { SightingType } from '../../generated/prisma/enums.js';
import { AgencyRef, RegionEnum } from '../agencies/agency.schema.js';
import { reason } from '../common/codes.js';
import { UserRef } from '../users/user.schema.js';
import { decideAccessRequest, requestAccess } from './access-request.service.js';
import {
  AudienceScopeEnum,
  IntelAccessRequestRef,
  IntelMatchRef,
  IntelObservableRef,
  IntelReportRef,
  IpRightEnum,
  ObservableTypeEnum,
  PapEnum,
  ProductCategoryEnum,
  SightingTypeEnum,
  SourceReliabilityEnum,
  TlpEnum,
} from './intel.schema.js';
import {
  addObservables,
  createIntelReport,
  publishIntelReport,
  removeObservable,
  retractIntelReport,
  updateIntelReport,
} from './intel.service.js';
import { createReportInput, observablesInput, updateReportInput } from './intel.validation.js';
import { reportSighting } from './sighting.service.js';

// The intelligence module's mutations: reports, sightings and access requests, with their
// inputs. Inputs are validated as a whole (every problem at once, with its path); marking and
// audience rules that need the database live in the service.

const RouteInput = builder.inputType('RouteInput', {
  fields: (t) => ({
    origin: t.field({ type: 'Iso3166Code', required: false }),
    transit: t.field({ type: ['Iso3166Code'], required: false }),
    destination: t.field({ type: 'Iso3166Code', required: false }),
  }),
});

const MoneyInput = builder.inputType('MoneyInput', {
  fields: (t) => ({
    amount: t.string({ description: 'Decimal string, e.g. "125000.50".' }),
    currency: t.field({ type: 'Currency' }),
  }),
});

const AudienceInput = builder.inputType('AudienceInput', {
  description:
    'NETWORK: every agency; REGIONS: agencies in `regions`; AGENCIES: `agencyIds`; RECIPIENTS (TLP:RED only): the users in `recipientIds`.',
  fields: (t) => ({
    scope: t.field({ type: AudienceScopeEnum }),
    regions: t.field({ type: [RegionEnum], required: false }),
    agencyIds: t.globalIDList({ for: AgencyRef, required: false }),
    recipientIds: t.globalIDList({ for: UserRef, required: false }),
  }),
});

const ObservableInput = builder.inputType('ObservableInput', {
  fields: (t) => ({
    type: t.field({ type: ObservableTypeEnum }),
    value: t.string({ description: 'As written; it is validated and normalised.' }),
    note: t.string({ required: false }),
  }),
});

type InputFields = PothosSchemaTypes.InputFieldBuilder<
  typeof builder.$inferSchemaTypes,
  'InputObject'
>;

/**
 * The fields of a report as input: required where a new report needs them, all optional for
 * changes (`required: false`), so the two inputs cannot drift apart.
 */
function reportFields(t: InputFields, required: boolean) {
  return {
    title: t.string({ required }),
    summary: t.string({ required }),
    language: t.string({
      required,
      description: 'BCP 47 tag of the language written in, e.g. zh-Hant.',
    }),
    ipRight: t.field({ type: IpRightEnum, required }),
    category: t.field({ type: ProductCategoryEnum, required }),
    hsCode: t.string({ required: false }),
    brands: t.stringList({ required: false }),
    observedCountry: t.field({ type: 'Iso3166Code', required: false }),
    route: t.field({ type: RouteInput, required: false }),
    observedFrom: t.field({ type: 'DateTime', required: false }),
    observedTo: t.field({ type: 'DateTime', required: false }),
    estimatedQuantity: t.int({ required: false }),
    quantityUnit: t.string({ required: false }),
    estimatedValue: t.field({ type: MoneyInput, required: false }),
    sourceReliability: t.field({ type: SourceReliabilityEnum, required }),
    infoCredibility: t.int({
      required,
      description: 'Admiralty 1 (confirmed) to 6 (cannot be judged).',
    }),
    tlp: t.field({ type: TlpEnum, required }),
    pap: t.field({ type: PapEnum, required }),
    audience: t.field({ type: AudienceInput, required }),
    matchingOptOut: t.boolean({ required: false }),
  };
}

const IntelReportInput = builder
  .inputType('IntelReportInput', {
    fields: (t) => ({
      ...reportFields(t, true),
      observables: t.field({ type: [ObservableInput], required: false }),
    }),
  })
  .validate(createReportInput);

const IntelReportChanges = builder
  .inputType('IntelReportChanges', {
    description: 'Fields left out stay as they are.',
    fields: (t) => reportFields(t, false),
  })
  .validate(updateReportInput);

type GlobalIds = { id: string }[] | null | undefined;

/** Global ids of the audience input become database ids for the service. */
function audienceIds<A extends { agencyIds?: GlobalIds; recipientIds?: GlobalIds }>(audience: A) {
  return {
    ...audience,
    agencyIds: audience.agencyIds?.map((g) => g.id) ?? null,
    recipientIds: audience.recipientIds?.map((g) => g.id) ?? null,
  };
}

const writeErrors = [ForbiddenError, NotFoundError, ConflictError];

builder.mutationField('createIntelReport', (t) =>
  t.field({
    type: IntelReportRef,
    description: 'Writes a draft report for your agency. Publish it to share it.',
    authScopes: { role: 'ANALYST' },
    errors: { types: writeErrors, dataField: { name: 'report' } },
    args: { input: t.arg({ type: IntelReportInput }) },
    resolve: (_parent, { input }, context) =>
      createIntelReport(signedInViewer(context), {
        ...input,
        audience: audienceIds(input.audience),
      }),
  }),
);

builder.mutationField('updateIntelReport', (t) =>
  t.field({
    type: IntelReportRef,
    description: 'Changes a report of your agency; changes after publication are kept as versions.',
    authScopes: { role: 'ANALYST' },
    errors: { types: writeErrors, dataField: { name: 'report' } },
    args: {
      id: t.arg.globalID({ for: IntelReportRef }),
      input: t.arg({ type: IntelReportChanges }),
    },
    resolve: (_parent, { id, input: { audience, ...changes } }, context) =>
      updateIntelReport(signedInViewer(context), id.id, {
        ...changes,
        ...(audience ? { audience: audienceIds(audience) } : {}),
      }),
  }),
);

builder.mutationField('publishIntelReport', (t) =>
  t.field({
    type: IntelReportRef,
    description: 'Shares a draft with its audience.',
    authScopes: { role: 'ANALYST' },
    errors: { types: writeErrors, dataField: { name: 'report' } },
    args: { id: t.arg.globalID({ for: IntelReportRef }) },
    resolve: (_parent, { id }, context) => publishIntelReport(signedInViewer(context), id.id),
  }),
);

builder.mutationField('retractIntelReport', (t) =>
  t.field({
    type: IntelReportRef,
    description: 'Withdraws a published report; afterwards only the author agency sees it.',
    authScopes: { role: 'ANALYST' },
    errors: { types: writeErrors, dataField: { name: 'report' } },
    args: {
      id: t.arg.globalID({ for: IntelReportRef }),
      reason: t.arg.string({ validate: reason }),
    },
    resolve: (_parent, { id, reason }, context) =>
      retractIntelReport(signedInViewer(context), id.id, reason),
  }),
);

builder.mutationField('addObservables', (t) =>
  t.field({
    type: IntelReportRef,
    description: 'Adds observables to a report of your agency; all or none are added.',
    authScopes: { role: 'ANALYST' },
    errors: { types: writeErrors, dataField: { name: 'report' } },
    args: {
      reportId: t.arg.globalID({ for: IntelReportRef }),
      observables: t.arg({ type: [ObservableInput] }).validate(observablesInput),
    },
    resolve: (_parent, { reportId, observables }, context) =>
      addObservables(signedInViewer(context), reportId.id, observables),
  }),
);

builder.mutationField('removeObservable', (t) =>
  t.field({
    type: IntelReportRef,
    description: 'Removes an observable from a report of your agency.',
    authScopes: { role: 'ANALYST' },
    errors: { types: writeErrors, dataField: { name: 'report' } },
    args: { observableId: t.arg.globalID({ for: IntelObservableRef }) },
    resolve: (_parent, { observableId }, context) =>
      removeObservable(signedInViewer(context), observableId.id),
  }),
);

const SightingInput = builder
  .inputType('SightingInput', {
    fields: (t) => ({
      type: t.field({ type: SightingTypeEnum }),
      seenAt: t.field({ type: 'DateTime' }),
      country: t.field({ type: 'Iso3166Code', required: false }),
      quantity: t.int({ required: false }),
      note: t.string({ required: false }),
    }),
  })
  .validate(
    z.object({
      type: z.enum(SightingType),
      seenAt: z.date().refine((d) => d.getTime() <= Date.now() + 3_600_000, {
        error: 'cannot be in the future',
      }),
      country: z.string().nullish(),
      quantity: z.number().int().min(0, { error: 'cannot be negative' }).nullish(),
      note: z.string().trim().max(2000).nullish(),
    }),
  );

builder.mutationField('reportSighting', (t) =>
  t.field({
    type: IntelReportRef,
    description: 'Records that your agency saw this too (or that it was a false positive).',
    authScopes: { role: 'ANALYST' },
    errors: { types: [NotFoundError, ConflictError], dataField: { name: 'report' } },
    args: {
      reportId: t.arg.globalID({ for: IntelReportRef }),
      input: t.arg({ type: SightingInput }),
    },
    resolve: async (_parent, { reportId, input }, context) => {
      await reportSighting(signedInViewer(context), reportId.id, input);
      return prisma.intelReport.findUniqueOrThrow({ where: { id: reportId.id } });
    },
  }),
);

builder.mutationField('requestAccess', (t) =>
  t.field({
    type: IntelAccessRequestRef,
    description: 'Asks the other side of a match for access to its report, saying why.',
    authScopes: { role: 'ANALYST' },
    errors: { types: [NotFoundError, ConflictError], dataField: { name: 'request' } },
    args: {
      matchId: t.arg.globalID({ for: IntelMatchRef }),
      justification: t.arg.string({
        validate: z
          .string()
          .trim()
          .min(20, { error: 'explain the need in at least 20 characters' })
          .max(2000),
      }),
    },
    resolve: (_parent, { matchId, justification }, context) =>
      requestAccess(signedInViewer(context), matchId.id, justification),
  }),
);

const AccessDecisionEnum = builder.enumType('AccessDecision', {
  values: ['APPROVE', 'DECLINE'] as const,
});

builder.mutationField('decideAccessRequest', (t) =>
  t.field({
    type: IntelAccessRequestRef,
    description:
      'Approves (widening the audience to the requester) or declines (with a reason) a request for one of your reports.',
    authScopes: { role: 'ANALYST' },
    errors: {
      types: [NotFoundError, ConflictError, ForbiddenError],
      dataField: { name: 'request' },
    },
    args: {
      requestId: t.arg.globalID({ for: IntelAccessRequestRef }),
      decision: t.arg({ type: AccessDecisionEnum }),
      reason: t.arg.string({
        required: false,
        description: 'Required when declining.',
        validate: z.string().trim().max(2000).optional(),
      }),
    },
    resolve: (_parent, { requestId, decision, reason }, context) =>
      decideAccessRequest(signedInViewer(context), requestId.id, decision, reason ?? null),
  }),
);

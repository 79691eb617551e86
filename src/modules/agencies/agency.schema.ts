import { z } from 'zod';
import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { AgencyKind, Region } from '../../generated/prisma/enums.js';
import { localizedName } from '../i18n/locale.js';
import { LocaleEnum } from '../i18n/locale.schema.js';
import { userVisibilityWhere } from '../users/user.access.js';
import { createAgency, setAgencySecondFactorRequirement, updateAgency } from './agency.service.js';
import { agencyFields } from './agency.validation.js';

export const RegionEnum = builder.enumType(Region, {
  name: 'Region',
  description: 'A cooperation region; an agency may belong to several.',
});

export const AgencyKindEnum = builder.enumType(AgencyKind, { name: 'AgencyKind' });

const AgencyNames = builder
  .objectRef<{ nameEn: string; nameZhHans: string; nameZhHant: string; namePt: string | null }>(
    'AgencyNames',
  )
  .implement({
    description: 'The agency name in every language the network speaks.',
    fields: (t) => ({
      en: t.exposeString('nameEn'),
      zhHans: t.exposeString('nameZhHans'),
      zhHant: t.exposeString('nameZhHant'),
      pt: t.exposeString('namePt', { nullable: true }),
    }),
  });

/** Agencies form the network's directory: every signed-in member may see all of them. */
export const AgencyRef = builder.prismaNode('Agency', {
  id: { field: 'id' },
  // node(id:) answers null, not an error, for an id that does not exist or is not visible.
  nullable: true,
  authScopes: { signedIn: true },
  fields: (t) => ({
    slug: t.exposeString('slug'),
    name: t.string({
      description:
        'The name in `locale`, else in the locale of the request (user preference, then Accept-Language). Portuguese falls back to English.',
      args: { locale: t.arg({ type: LocaleEnum, required: false }) },
      resolve: (agency, args, context) => localizedName(agency, args.locale ?? context.locale),
    }),
    names: t.field({ type: AgencyNames, resolve: (agency) => agency }),
    kind: t.expose('kind', { type: AgencyKindEnum }),
    jurisdiction: t.expose('jurisdiction', { type: 'Iso3166Code' }),
    regions: t.expose('regions', { type: [RegionEnum] }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    users: t.relatedConnection('users', {
      description: 'People of this agency you may see (your own agency; network admins: all).',
      cursor: 'id',
      totalCount: true,
      query: (_args, context) => ({
        where: userVisibilityWhere(context.viewer),
        orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
      }),
    }),
  }),
});

const AgencyFilter = builder.inputType('AgencyFilter', {
  fields: (t) => ({
    region: t.field({ type: RegionEnum, required: false }),
    kind: t.field({ type: AgencyKindEnum, required: false }),
    jurisdiction: t.field({
      type: 'Iso3166Code',
      required: false,
      description: 'A country code (`CN`) matches the country and its subdivisions (`CN-GD`).',
    }),
    search: t.string({
      required: false,
      description: 'Matches any of the names or the slug, ignoring case.',
      validate: z.string().trim().max(100, { error: 'must be at most 100 characters long' }),
    }),
  }),
});

function agencyWhere(
  filter: typeof AgencyFilter.$inferInput | null | undefined,
): Prisma.AgencyWhereInput {
  if (!filter) return {};
  const and: Prisma.AgencyWhereInput[] = [];
  if (filter.region) and.push({ regions: { has: filter.region } });
  if (filter.kind) and.push({ kind: filter.kind });
  if (filter.jurisdiction) {
    const code = filter.jurisdiction;
    and.push(
      code.includes('-')
        ? { jurisdiction: code }
        : { OR: [{ jurisdiction: code }, { jurisdiction: { startsWith: `${code}-` } }] },
    );
  }
  if (filter.search) {
    const contains = { contains: filter.search, mode: 'insensitive' as const };
    and.push({
      OR: [
        { nameEn: contains },
        { nameZhHans: contains },
        { nameZhHant: contains },
        { namePt: contains },
        { slug: contains },
      ],
    });
  }
  return { AND: and };
}

builder.queryField('agencies', (t) =>
  t.prismaConnection({
    type: 'Agency',
    cursor: 'id',
    description: 'The agencies of the network, by English name.',
    authScopes: { signedIn: true },
    args: { filter: t.arg({ type: AgencyFilter, required: false }) },
    totalCount: (_parent, args) => prisma.agency.count({ where: agencyWhere(args.filter) }),
    resolve: (query, _parent, args) =>
      prisma.agency.findMany({
        ...query,
        where: agencyWhere(args.filter),
        orderBy: [{ nameEn: 'asc' }, { id: 'asc' }],
      }),
  }),
);

// Validated as a whole so that every problem is reported at once.
const CreateAgencyInput = builder
  .inputType('CreateAgencyInput', {
    fields: (t) => ({
      slug: t.string(),
      nameEn: t.string(),
      nameZhHans: t.string(),
      nameZhHant: t.string(),
      namePt: t.string({ required: false }),
      kind: t.field({ type: AgencyKindEnum }),
      jurisdiction: t.field({ type: 'Iso3166Code' }),
      regions: t.field({ type: [RegionEnum] }),
    }),
  })
  .validate(z.object(agencyFields));

const UpdateAgencyInput = builder
  .inputType('UpdateAgencyInput', {
    description: 'Fields left out stay as they are; `namePt: null` removes the Portuguese name.',
    fields: (t) => ({
      slug: t.string({ required: false }),
      nameEn: t.string({ required: false }),
      nameZhHans: t.string({ required: false }),
      nameZhHant: t.string({ required: false }),
      namePt: t.string({ required: false }),
      kind: t.field({ type: AgencyKindEnum, required: false }),
      jurisdiction: t.field({ type: 'Iso3166Code', required: false }),
      regions: t.field({ type: [RegionEnum], required: false }),
    }),
  })
  .validate(z.object(agencyFields).partial());

builder.mutationField('createAgency', (t) =>
  t.field({
    type: AgencyRef,
    description: 'Adds an agency to the network. Network admins only.',
    authScopes: { networkAdmin: true },
    errors: { types: [ConflictError], dataField: { name: 'agency' } },
    args: { input: t.arg({ type: CreateAgencyInput }) },
    resolve: async (_parent, { input }) => {
      return createAgency(input);
    },
  }),
);

builder.mutationField('updateAgency', (t) =>
  t.field({
    type: AgencyRef,
    description: 'Changes an agency. Network admins only.',
    authScopes: { networkAdmin: true },
    errors: { types: [ConflictError, NotFoundError], dataField: { name: 'agency' } },
    args: {
      id: t.arg.globalID({ for: AgencyRef }),
      input: t.arg({ type: UpdateAgencyInput }),
    },
    resolve: async (_parent, { id, input }) => {
      return updateAgency(id.id, input);
    },
  }),
);

builder.objectField(AgencyRef, 'requiresSecondFactor', (t) =>
  t.exposeBoolean('requireSecondFactor', {
    description: "Every member signs in with a second factor (set by the agency's admins).",
  }),
);

builder.mutationField('setAgencySecondFactorRequirement', (t) =>
  t.field({
    type: AgencyRef,
    description:
      "Requires (or stops requiring) a second factor of every member of the agency, from their next sign-in: members without one set it up as they sign in. The agency's admins, or network admins.",
    authScopes: { role: 'AGENCY_ADMIN' },
    errors: { types: [NotFoundError], dataField: { name: 'agency' } },
    args: { agencyId: t.arg.globalID({ for: AgencyRef }), required: t.arg.boolean() },
    resolve: async (_parent, args, context) => {
      const agency = await setAgencySecondFactorRequirement(
        signedInViewer(context),
        args.agencyId.id,
        args.required,
      );
      context.log.info(
        { agencyId: agency.id, required: args.required },
        'agency second-factor requirement changed',
      );
      return agency;
    },
  }),
);

import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { WebhookEndpoint } from '../../generated/prisma/client.js';
import { WebhookDeliveryStatus } from '../../generated/prisma/enums.js';
import { RegionEnum } from '../agencies/agency.schema.js';
import { alertAudienceWhere } from '../alerts/alert.access.js';
import {
  AlertKindEnum,
  AlertSeverityEnum,
  alertFilterFields,
  decodeFilter,
} from '../alerts/alert.schema.js';
import { optionalText } from '../common/codes.js';
import { ProductCategoryEnum } from '../intel/intel.schema.js';
import { visibleUser } from '../users/user.access.js';
import { webhookVisibilityWhere } from './webhook.access.js';
import {
  deleteWebhook,
  registerWebhook,
  rotateWebhookSecret,
  updateWebhook,
  webhookUrl,
} from './webhook.service.js';

// Webhook endpoints for agency systems: registration (the secret is shown once), changes,
// secret rotation, removal, and the record of deliveries.

const DeliveryStatusEnum = builder.enumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
});

export const WebhookEndpointRef = builder.prismaNode('WebhookEndpoint', {
  id: { field: 'id' },
  nullable: true,
  authScopes: { role: 'AGENCY_ADMIN' },
  findUnique: (id, context) => ({ id, AND: [webhookVisibilityWhere(context.viewer)] }),
  description:
    "An HTTPS endpoint of your agency's systems. Alerts its creator may receive and its filter selects are POSTed to it, signed with its secret (see docs/alerts.md).",
  fields: (t) => ({
    url: t.exposeString('url'),
    description: t.exposeString('description', { nullable: true }),
    active: t.exposeBoolean('active'),
    kinds: t.expose('kinds', { type: [AlertKindEnum] }),
    severities: t.expose('severities', { type: [AlertSeverityEnum] }),
    regions: t.expose('regions', { type: [RegionEnum] }),
    categories: t.expose('categories', { type: [ProductCategoryEnum] }),
    originAgencies: t.prismaField({
      type: ['Agency'],
      resolve: (query, endpoint) =>
        prisma.agency.findMany({ ...query, where: { id: { in: endpoint.originAgencyIds } } }),
    }),
    createdBy: t.prismaField({
      type: 'User',
      nullable: true,
      resolve: (query, endpoint, _args, context) =>
        visibleUser(context, endpoint.createdById, query),
      description:
        'Deliveries carry what this person may receive; they pause while they cannot act for the agency.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deliveries: t.relatedConnection('deliveries', {
      cursor: 'id',
      description: 'Deliveries, latest first.',
      args: { status: t.arg({ type: DeliveryStatusEnum, required: false }) },
      query: (args) => ({
        where: args.status ? { status: args.status } : {},
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      }),
      totalCount: true,
    }),
  }),
});

builder.prismaObject('WebhookDelivery', {
  description: 'One alert sent, or being sent, to an endpoint.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.expose('status', { type: DeliveryStatusEnum }),
    attempts: t.exposeInt('attempts'),
    nextAttemptAt: t.expose('nextAttemptAt', {
      type: 'DateTime',
      description: 'When a PENDING delivery is tried next.',
    }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    alert: t.prismaField({
      type: 'Alert',
      nullable: true,
      description: 'The alert, while you may receive it.',
      resolve: (query, delivery, _args, context) =>
        prisma.alert.findFirst({
          ...query,
          where: { cursor: delivery.cursor, AND: [alertAudienceWhere(context.viewer)] },
        }),
    }),
  }),
});

const WebhookRegistrationRef = builder
  .objectRef<{ endpoint: WebhookEndpoint; secret: string }>('WebhookRegistration')
  .implement({
    fields: (t) => ({
      endpoint: t.field({ type: WebhookEndpointRef, resolve: (r) => r.endpoint }),
      secret: t.string({
        description:
          'The signing secret. It is shown this once: store it in the receiving system now.',
        resolve: (r) => r.secret,
      }),
    }),
  });

const WebhookInput = builder.inputType('WebhookInput', {
  fields: (t) => ({
    url: t.string({ validate: webhookUrl, description: 'An https:// address.' }),
    description: t.string({ required: false, validate: optionalText(500) }),
    active: t.boolean({ required: false, description: 'Default true.' }),
    ...alertFilterFields(t),
  }),
});

const WebhookChanges = builder.inputType('WebhookChanges', {
  description: 'Fields left out stay as they are; an empty list removes that restriction.',
  fields: (t) => ({
    url: t.string({ required: false, validate: webhookUrl }),
    description: t.string({ required: false, validate: optionalText(500) }),
    active: t.boolean({ required: false }),
    ...alertFilterFields(t),
  }),
});

builder.queryField('webhookEndpoints', (t) =>
  t.prismaField({
    type: ['WebhookEndpoint'],
    authScopes: { role: 'AGENCY_ADMIN' },
    description: "Your agency's webhook endpoints.",
    resolve: (query, _parent, _args, context) =>
      prisma.webhookEndpoint.findMany({
        ...query,
        where: webhookVisibilityWhere(context.viewer),
        orderBy: { createdAt: 'asc' },
      }),
  }),
);

builder.mutationField('registerWebhook', (t) =>
  t.field({
    type: WebhookRegistrationRef,
    authScopes: { role: 'AGENCY_ADMIN' },
    description:
      'Registers an endpoint for alerts written from now on. Answers with the signing secret, once.',
    errors: { types: [ConflictError], dataField: { name: 'registration' } },
    args: { input: t.arg({ type: WebhookInput }) },
    resolve: (_parent, { input }, context) =>
      registerWebhook(signedInViewer(context), {
        url: input.url,
        description: input.description?.trim() || null,
        active: input.active ?? true,
        filter: decodeFilter(input),
      }),
  }),
);

builder.mutationField('updateWebhook', (t) =>
  t.field({
    type: WebhookEndpointRef,
    authScopes: { role: 'AGENCY_ADMIN' },
    errors: { types: [NotFoundError], dataField: { name: 'endpoint' } },
    args: {
      id: t.arg.globalID({ for: WebhookEndpointRef }),
      input: t.arg({ type: WebhookChanges }),
    },
    resolve: (_parent, { id, input }, context) =>
      updateWebhook(signedInViewer(context), id.id, {
        ...(input.url ? { url: input.url } : {}),
        ...(input.description !== undefined
          ? { description: input.description?.trim() || null }
          : {}),
        ...(input.active !== undefined && input.active !== null ? { active: input.active } : {}),
        filter: decodeFilter(input),
      }),
  }),
);

builder.mutationField('rotateWebhookSecret', (t) =>
  t.field({
    type: WebhookRegistrationRef,
    authScopes: { role: 'AGENCY_ADMIN' },
    description: 'Replaces the signing secret at once; answers with the new one, once.',
    errors: { types: [NotFoundError], dataField: { name: 'registration' } },
    args: { id: t.arg.globalID({ for: WebhookEndpointRef }) },
    resolve: (_parent, { id }, context) => rotateWebhookSecret(signedInViewer(context), id.id),
  }),
);

builder.mutationField('deleteWebhook', (t) =>
  t.field({
    type: WebhookEndpointRef,
    authScopes: { role: 'AGENCY_ADMIN' },
    description: 'Removes the endpoint and its delivery record.',
    errors: { types: [NotFoundError], dataField: { name: 'endpoint' } },
    args: { id: t.arg.globalID({ for: WebhookEndpointRef }) },
    resolve: (_parent, { id }, context) => deleteWebhook(signedInViewer(context), id.id),
  }),
);

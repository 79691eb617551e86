import { z } from 'zod';
import { latestCursor } from '../../alert-log.js';
import { config } from '../../config.js';
import { prisma } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { WebhookEndpoint } from '../../generated/prisma/client.js';
import { isLoopbackHost } from '../../outbound-address.js';
import { sealSecret } from '../../sealed-secrets.js';
import { type AlertFilter, filterColumns } from '../alerts/alert-filter.js';
import type { Viewer } from '../auth/viewer.js';
import { webhookVisibilityWhere } from './webhook.access.js';
import { newWebhookSecret } from './webhook.crypto.js';
import { webhookTargetProblem } from './webhook-target.js';

// Registering and managing an agency's webhook endpoints. Deliveries start with the alerts
// written after registration; the secret is returned once, at registration or rotation.

export const MAX_ENDPOINTS_PER_AGENCY = 20;

/** HTTPS only; plain HTTP to this machine is accepted outside production, for local receivers. */
export const webhookUrl = z
  .string()
  .trim()
  .max(2000, { error: 'must be at most 2000 characters long' })
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        if (url.protocol === 'https:') return true;
        return (
          url.protocol === 'http:' && isLoopbackHost(url) && config().NODE_ENV !== 'production'
        );
      } catch {
        return false;
      }
    },
    { error: 'must be an https:// address' },
  );

export interface EndpointFields {
  url: string;
  description?: string | null;
  active?: boolean;
  /** Endpoints take the alerts written after their registration: no `createdAfter`. */
  filter: Omit<AlertFilter, 'createdAfter'>;
}

/** Refuses an address this server must not call (see webhook-target.ts). */
async function requireCallable(url: string): Promise<void> {
  const problem = await webhookTargetProblem(url);
  if (problem) throw ValidationError.single(['input', 'url'], problem);
}

export async function findManagedEndpoint(viewer: Viewer, id: string): Promise<WebhookEndpoint> {
  const endpoint = await prisma.webhookEndpoint.findFirst({
    where: { id, AND: [webhookVisibilityWhere(viewer)] },
  });
  if (!endpoint) throw new NotFoundError('webhook endpoint');
  return endpoint;
}

export async function registerWebhook(
  actor: Viewer,
  fields: EndpointFields,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  await requireCallable(fields.url);
  const count = await prisma.webhookEndpoint.count({ where: { agencyId: actor.agencyId } });
  if (count >= MAX_ENDPOINTS_PER_AGENCY) {
    throw new ConflictError(
      `Your agency has ${MAX_ENDPOINTS_PER_AGENCY} endpoints, the most it may keep.`,
    );
  }
  const secret = newWebhookSecret();
  const endpoint = await prisma.webhookEndpoint.create({
    data: {
      agencyId: actor.agencyId,
      createdById: actor.userId,
      url: fields.url,
      description: fields.description ?? null,
      active: fields.active ?? true,
      secret: sealSecret(secret, 'webhook-secrets'),
      scannedThrough: await latestCursor(),
      ...filterColumns(fields.filter),
    },
  });
  return { endpoint, secret };
}

export async function updateWebhook(
  actor: Viewer,
  id: string,
  fields: Partial<EndpointFields>,
): Promise<WebhookEndpoint> {
  const endpoint = await findManagedEndpoint(actor, id);
  if (fields.url !== undefined) await requireCallable(fields.url);
  return prisma.webhookEndpoint.update({
    where: { id: endpoint.id },
    data: {
      ...(fields.url !== undefined ? { url: fields.url } : {}),
      ...(fields.description !== undefined ? { description: fields.description } : {}),
      ...(fields.active !== undefined && fields.active !== null ? { active: fields.active } : {}),
      ...(fields.filter ? filterColumns(fields.filter) : {}),
    },
  });
}

export async function rotateWebhookSecret(
  actor: Viewer,
  id: string,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const endpoint = await findManagedEndpoint(actor, id);
  const secret = newWebhookSecret();
  const updated = await prisma.webhookEndpoint.update({
    where: { id: endpoint.id },
    data: { secret: sealSecret(secret, 'webhook-secrets') },
  });
  return { endpoint: updated, secret };
}

export async function deleteWebhook(actor: Viewer, id: string): Promise<WebhookEndpoint> {
  const endpoint = await findManagedEndpoint(actor, id);
  await prisma.webhookEndpoint.delete({ where: { id: endpoint.id } });
  return endpoint;
}

import type { Prisma } from '../../generated/prisma/client.js';
import { hasRole } from '../auth/roles.js';
import type { Viewer } from '../auth/viewer.js';

/**
 * THE rule for webhook endpoints and their deliveries: an agency's admins see and manage their
 * agency's endpoints; nobody else does, network admins of other agencies included.
 */
export function webhookVisibilityWhere(viewer: Viewer | null): Prisma.WebhookEndpointWhereInput {
  if (!viewer || !hasRole(viewer, 'AGENCY_ADMIN')) return { id: { in: [] } };
  return { agencyId: viewer.agencyId };
}

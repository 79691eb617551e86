import type { NewAlert } from '../../alert-log.js';
import type { AlertKind, AlertSeverity, Operation, Prisma } from '../../generated/prisma/client.js';

// Alerts about joint operations. They point to the operation, so the operations visibility rule
// decides who receives them (tasks and messages: agencies taking part only; see alert.access.ts).

interface Extra {
  data?: Record<string, unknown>;
  recipientAgencyId?: string | null;
  recipientUserId?: string | null;
}

export function operationAlert(
  operation: Pick<
    Operation,
    'id' | 'codeName' | 'title' | 'phase' | 'leadAgencyId' | 'targetRegions'
  >,
  kind: AlertKind,
  severity: AlertSeverity,
  extra: Extra = {},
): NewAlert {
  return {
    kind,
    severity,
    title: `${operation.codeName}: ${operation.title}`,
    operationId: operation.id,
    originAgencyId: operation.leadAgencyId,
    regions: [...operation.targetRegions],
    recipientAgencyId: extra.recipientAgencyId ?? null,
    recipientUserId: extra.recipientUserId ?? null,
    data: {
      codeName: operation.codeName,
      phase: operation.phase,
      ...extra.data,
    } as Prisma.InputJsonValue,
  };
}

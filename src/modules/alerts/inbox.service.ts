import { isUniqueViolation, prisma } from '../../db.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { Alert, AlertRule, Prisma } from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import {
  alertAudienceWhere,
  alertRuleVisibilityWhere,
  requireOwnRule,
  requireReceivableAlert,
} from './alert.access.js';
import { type AlertFilter, alertFilterWhere, filterColumns } from './alert-filter.js';

// A user's alert inbox: what their saved rules select (everything they may receive when they
// have none), plus what is addressed to them or their agency. Read state is a watermark
// (acknowledgeAll) and single acknowledgements above it.

export const MAX_RULES_PER_USER = 50;

/** The viewer's inbox: their rules' alerts and those addressed to them, as they may receive. */
export async function inboxWhere(viewer: Viewer): Promise<Prisma.AlertWhereInput> {
  const rules = await prisma.alertRule.findMany({ where: alertRuleVisibilityWhere(viewer) });
  const selected: Prisma.AlertWhereInput =
    rules.length === 0
      ? {}
      : {
          OR: [
            { recipientUserId: viewer.userId },
            { recipientAgencyId: viewer.agencyId },
            ...rules.map((rule) => alertFilterWhere(rule)),
          ],
        };
  return { AND: [alertAudienceWhere(viewer), selected] };
}

export async function acknowledgedThrough(userId: string): Promise<bigint> {
  const inbox = await prisma.alertInbox.findUnique({ where: { userId } });
  return inbox?.acknowledgedThrough ?? 0n;
}

/** Alerts the viewer has not acknowledged. */
export async function unreadWhere(viewer: Viewer): Promise<Prisma.AlertWhereInput> {
  return {
    cursor: { gt: await acknowledgedThrough(viewer.userId) },
    acks: { none: { userId: viewer.userId } },
  };
}

export async function unreadCount(viewer: Viewer): Promise<number> {
  return prisma.alert.count({
    where: { AND: [await inboxWhere(viewer), await unreadWhere(viewer)] },
  });
}

export async function acknowledgeAlert(viewer: Viewer, alertId: string): Promise<Alert> {
  const alert = await requireReceivableAlert(viewer, alertId);
  await prisma.alertAck.upsert({
    where: { userId_cursor: { userId: viewer.userId, cursor: alert.cursor } },
    create: { userId: viewer.userId, cursor: alert.cursor },
    update: {},
  });
  return alert;
}

/**
 * Marks every alert up to `through` (default: the latest the viewer may receive) as read. The
 * watermark never moves back.
 */
export async function acknowledgeAll(viewer: Viewer, through: bigint | null): Promise<bigint> {
  const latest = await prisma.alert.findFirst({
    where: alertAudienceWhere(viewer),
    orderBy: { cursor: 'desc' },
    select: { cursor: true },
  });
  const target = through ?? latest?.cursor ?? 0n;
  return prisma.$transaction(async (tx) => {
    const current = await tx.alertInbox.upsert({
      where: { userId: viewer.userId },
      create: { userId: viewer.userId, acknowledgedThrough: target },
      update: {},
    });
    const watermark = current.acknowledgedThrough > target ? current.acknowledgedThrough : target;
    await tx.alertInbox.update({
      where: { userId: viewer.userId },
      data: { acknowledgedThrough: watermark },
    });
    await tx.alertAck.deleteMany({ where: { userId: viewer.userId, cursor: { lte: watermark } } });
    return watermark;
  });
}

// ── Saved rules ─────────────────────────────────────────────────────────────────────────────

export interface RuleFields extends AlertFilter {
  name: string;
}

async function saveRule<T>(write: () => Promise<T>, name: string | undefined): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw ValidationError.single(['input', 'name'], `you already have a rule named "${name}"`);
    }
    throw error;
  }
}

export async function createAlertRule(viewer: Viewer, fields: RuleFields): Promise<AlertRule> {
  const count = await prisma.alertRule.count({ where: { userId: viewer.userId } });
  if (count >= MAX_RULES_PER_USER) {
    throw new ConflictError(`You have ${MAX_RULES_PER_USER} rules, the most one may keep.`);
  }
  return saveRule(
    () =>
      prisma.alertRule.create({
        data: { userId: viewer.userId, ...filterColumns(fields), name: fields.name },
      }),
    fields.name,
  );
}

export async function updateAlertRule(
  viewer: Viewer,
  ruleId: string,
  fields: Partial<RuleFields>,
): Promise<AlertRule> {
  const rule = await requireOwnRule(viewer, ruleId);
  return saveRule(
    () =>
      prisma.alertRule.update({
        where: { id: rule.id },
        data: {
          ...filterColumns(fields),
          ...(fields.name !== undefined ? { name: fields.name } : {}),
        },
      }),
    fields.name,
  );
}

export async function deleteAlertRule(viewer: Viewer, ruleId: string): Promise<AlertRule> {
  const rule = await requireOwnRule(viewer, ruleId);
  await prisma.alertRule.delete({ where: { id: rule.id } });
  return rule;
}

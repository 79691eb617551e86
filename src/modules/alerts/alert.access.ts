import { prisma } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import type { Alert, AlertKind, AlertRule, Prisma } from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import { forumEventVisibilityWhere } from '../forums/forum.access.js';
import { intelReportVisibilityWhere, isLoggedMarking } from '../intel/intel.access.js';
import { operationVisibilityWhere, operationWorkWhere } from '../operations/operation.access.js';

/** Alerts about an operation's working data, whoever they are addressed to: only agencies taking part. */
export const OPERATION_WORK_KINDS: readonly AlertKind[] = ['TASK_ASSIGNED', 'OPERATION_MESSAGE'];

/**
 * THE rule for who receives which alert. Every path applies it, at delivery time: the live
 * subscription (replay and each live event), the alert history and unread counts, `node(id:)`,
 * acknowledgements and webhooks (as the endpoint's creator).
 *
 * An alert reaches a viewer when every one of these holds:
 * - it is addressed to nobody in particular, or to the viewer, or to the viewer's agency;
 * - its report, if any, is one the viewer may read now (intelligence rule); a retraction
 *   reaches whoever could read the report while it was published;
 * - its operation, if any: an alert to the whole operation (a phase change and its note, a task,
 *   a message) carries working data, so the viewer's agency must take part in it now; an alert
 *   written for one agency (its invitation, the cancellation of an operation it was invited to)
 *   carries only what that agency may know, so it needs only to see the operation now;
 * - its forum event, if any, is one the viewer sees now (forum rule).
 * Broadcasts, addressed to nobody and about nothing, reach every signed-in member.
 */
export function alertAudienceWhere(viewer: Viewer | null): Prisma.AlertWhereInput {
  if (!viewer) return { cursor: { in: [] } };
  const work = [...OPERATION_WORK_KINDS];
  return {
    AND: [
      { OR: [{ recipientUserId: null }, { recipientUserId: viewer.userId }] },
      { OR: [{ recipientAgencyId: null }, { recipientAgencyId: viewer.agencyId }] },
      {
        OR: [
          { reportId: null },
          { kind: { not: 'INTEL_RETRACTED' }, report: intelReportVisibilityWhere(viewer) },
          {
            kind: 'INTEL_RETRACTED',
            report: intelReportVisibilityWhere(viewer, { asPublished: true }),
          },
        ],
      },
      {
        OR: [
          { operationId: null },
          { operation: operationWorkWhere(viewer) },
          {
            kind: { notIn: work },
            recipientAgencyId: viewer.agencyId,
            operation: operationVisibilityWhere(viewer),
          },
        ],
      },
      { OR: [{ forumEventId: null }, { forumEvent: forumEventVisibilityWhere(viewer) }] },
    ],
  };
}

/** Addressed to nobody and about nothing (broadcasts): every signed-in member receives it. */
export function isForEveryone(
  alert: Pick<
    Alert,
    'recipientUserId' | 'recipientAgencyId' | 'reportId' | 'operationId' | 'forumEventId'
  >,
): boolean {
  return (
    alert.recipientUserId === null &&
    alert.recipientAgencyId === null &&
    alert.reportId === null &&
    alert.operationId === null &&
    alert.forumEventId === null
  );
}

/** What an alert is about, as a subscriber may be watching it. */
export interface AlertSubject {
  type: 'IntelReport' | 'Operation' | 'ForumEvent';
  id: string;
}

export function subjectOf(alert: {
  reportId: string | null;
  operationId: string | null;
  forumEventId: string | null;
}): AlertSubject | null {
  if (alert.reportId) return { type: 'IntelReport', id: alert.reportId };
  if (alert.operationId) return { type: 'Operation', id: alert.operationId };
  if (alert.forumEventId) return { type: 'ForumEvent', id: alert.forumEventId };
  return null;
}

/** Whether the viewer may still see the subject, by its own entity's rule. */
export async function maySeeSubject(viewer: Viewer, subject: AlertSubject): Promise<boolean> {
  switch (subject.type) {
    case 'IntelReport':
      return (
        (await prisma.intelReport.count({
          where: { id: subject.id, AND: [intelReportVisibilityWhere(viewer)] },
        })) > 0
      );
    case 'Operation':
      return (
        (await prisma.operation.count({
          where: { id: subject.id, AND: [operationVisibilityWhere(viewer)] },
        })) > 0
      );
    case 'ForumEvent':
      return (
        (await prisma.forumEvent.count({
          where: { id: subject.id, AND: [forumEventVisibilityWhere(viewer)] },
        })) > 0
      );
  }
}

/**
 * The title as the viewer may read it. An alert about a TLP:AMBER+STRICT or TLP:RED report of
 * another agency does not show the report's title: every reading of such a report is logged, and
 * the alert is no way around that. The viewer opens the report (logged) to read it.
 */
export function alertTitleFor(
  viewer: Viewer | null,
  alert: Pick<Alert, 'title' | 'reportId' | 'originAgencyId' | 'data'>,
): string {
  const tlp = (alert.data as { tlp?: unknown } | null)?.tlp;
  const restricted =
    alert.reportId !== null &&
    typeof tlp === 'string' &&
    isLoggedMarking(tlp) &&
    viewer?.agencyId !== alert.originAgencyId;
  return restricted
    ? `A TLP:${tlp === 'AMBER_STRICT' ? 'AMBER+STRICT' : tlp} report: open it to read it (each reading is logged)`
    : alert.title;
}

/** A saved rule is its owner's alone: nobody else reads, uses or changes it. */
export function alertRuleVisibilityWhere(viewer: Viewer | null): Prisma.AlertRuleWhereInput {
  return viewer ? { userId: viewer.userId } : { id: { in: [] } };
}

/** An alert the viewer may receive; NotFound otherwise, whether or not it exists. */
export async function requireReceivableAlert(viewer: Viewer, id: string): Promise<Alert> {
  const alert = await prisma.alert.findFirst({ where: { id, AND: [alertAudienceWhere(viewer)] } });
  if (!alert) throw new NotFoundError('alert');
  return alert;
}

/** One of the viewer's own saved rules; NotFound otherwise. */
export async function requireOwnRule(viewer: Viewer, id: string): Promise<AlertRule> {
  const rule = await prisma.alertRule.findFirst({
    where: { id, AND: [alertRuleVisibilityWhere(viewer)] },
  });
  if (!rule) throw new NotFoundError('alert rule');
  return rule;
}

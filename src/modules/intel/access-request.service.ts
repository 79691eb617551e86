import { type NewAlert, recordAlerts } from '../../alert-log.js';
import { prisma, type Tx } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type { IntelAccessRequest } from '../../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import { lockRow } from '../common/by-id.js';
import {
  decidableAccessRequestWhere,
  intelReportVisibilityWhere,
  matchVisibilityWhere,
} from './intel.access.js';
import { recordReportAlert, reportAlert } from './intel.alerts.js';

// After a hit/no-hit match, the agency that may not see the other report asks its author agency
// for access. Approval widens the audience to the requester (its agency; for TLP:RED, the
// requesting person); a decline says why. The report's content moves only on approval.

export async function requestAccess(actor: Viewer, matchId: string, justification: string) {
  return prisma.$transaction(async (tx) => {
    const match = await tx.intelMatch.findFirst({
      where: { id: matchId, AND: [matchVisibilityWhere(actor)] },
    });
    if (!match) throw new NotFoundError('match');
    const reportId = match.counterpartReportId;
    const already = await tx.intelReport.count({
      where: { id: reportId, AND: [intelReportVisibilityWhere(actor)] },
    });
    if (already > 0) throw new ConflictError('You can already read that report.');
    const pending = await tx.intelAccessRequest.findFirst({
      where: { reportId, requesterAgencyId: actor.agencyId, status: 'PENDING' },
      select: { id: true },
    });
    if (pending)
      throw new ConflictError('Your agency already has a pending request for that report.');
    const request = await tx.intelAccessRequest.create({
      data: {
        reportId,
        matchId: match.id,
        requesterAgencyId: actor.agencyId,
        requesterId: actor.userId,
        justification,
      },
    });
    const report = await tx.intelReport.findUniqueOrThrow({ where: { id: reportId } });
    await recordReportAlert(tx, report, 'ACCESS_REQUESTED', 'WARNING', {
      recipientAgencyId: report.authorAgencyId,
      data: { requestId: request.id, requesterAgencyId: actor.agencyId, justification },
    });
    return request;
  });
}

export type AccessDecision = 'APPROVE' | 'DECLINE';

export async function decideAccessRequest(
  actor: Viewer,
  requestId: string,
  decision: AccessDecision,
  reason: string | null,
) {
  if (decision === 'DECLINE' && (reason?.trim().length ?? 0) < 5) {
    throw ValidationError.single(
      ['reason'],
      'say why the request is declined, in at least 5 characters',
    );
  }
  return prisma.$transaction(async (tx) => {
    await lockRow(tx, 'IntelAccessRequest', requestId);
    const request = await tx.intelAccessRequest.findFirst({
      where: { id: requestId, AND: [decidableAccessRequestWhere(actor)] },
      include: {
        report: {
          select: { id: true, tlp: true, authorAgencyId: true, authorUserId: true, status: true },
        },
      },
    });
    if (!request) throw new NotFoundError('access request');
    if (request.report.tlp === 'RED' && request.report.authorUserId !== actor.userId) {
      throw new ForbiddenError('Only the author of a TLP:RED report decides who may read it.');
    }
    if (request.status !== 'PENDING') {
      throw new ConflictError(`This request was already ${request.status.toLowerCase()}.`);
    }
    if (decision === 'APPROVE') {
      if (request.report.tlp === 'RED') {
        await tx.intelRecipient.createMany({
          data: [
            {
              reportId: request.reportId,
              userId: request.requesterId,
              grantedVia: 'ACCESS_REQUEST',
            },
          ],
          skipDuplicates: true,
        });
      } else {
        await tx.intelAudienceAgency.createMany({
          data: [
            {
              reportId: request.reportId,
              agencyId: request.requesterAgencyId,
              grantedVia: 'ACCESS_REQUEST',
            },
          ],
          skipDuplicates: true,
        });
      }
    }
    const decided = await tx.intelAccessRequest.update({
      where: { id: request.id },
      data: {
        status: decision === 'APPROVE' ? 'APPROVED' : 'DECLINED',
        decidedById: actor.userId,
        decidedAt: new Date(),
        decisionReason: reason,
      },
    });
    await recordAlerts(tx, [await decisionAlert(tx, decided)]);
    return decided;
  });
}

/**
 * The requesting agency hears the answer. An approval points to the report, which it may now
 * read; a decline points to nothing and names only the request, since the report stays closed.
 */
async function decisionAlert(tx: Tx, request: IntelAccessRequest): Promise<NewAlert> {
  const data = { requestId: request.id, status: request.status, reason: request.decisionReason };
  if (request.status === 'APPROVED') {
    const report = await tx.intelReport.findUniqueOrThrow({ where: { id: request.reportId } });
    return reportAlert(tx, report, 'ACCESS_DECIDED', 'INFO', {
      recipientAgencyId: request.requesterAgencyId,
      data,
    });
  }
  return {
    kind: 'ACCESS_DECIDED',
    severity: 'INFO',
    title: 'Access request declined',
    recipientAgencyId: request.requesterAgencyId,
    data,
  };
}

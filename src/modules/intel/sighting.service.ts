import { prisma } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { SightingType } from '../../generated/prisma/enums.js';
import type { Viewer } from '../auth/viewer.js';
import { intelReportVisibilityWhere } from './intel.access.js';
import { recordReportAlert } from './intel.alerts.js';

export interface SightingInput {
  type: SightingType;
  seenAt: Date;
  country?: string | null;
  quantity?: number | null;
  note?: string | null;
}

/** Anyone who may read a published report may record that they saw it too. */
export async function reportSighting(actor: Viewer, reportId: string, input: SightingInput) {
  return prisma.$transaction(async (tx) => {
    const report = await tx.intelReport.findFirst({
      where: { id: reportId, AND: [intelReportVisibilityWhere(actor)] },
    });
    if (!report) throw new NotFoundError('intelligence report');
    if (report.status !== 'PUBLISHED') {
      throw new ConflictError('Sightings are recorded against published reports only.');
    }
    const sighting = await tx.intelSighting.create({
      data: {
        reportId,
        agencyId: actor.agencyId,
        userId: actor.userId,
        type: input.type,
        seenAt: input.seenAt,
        country: input.country ?? null,
        quantity: input.quantity ?? null,
        note: input.note ?? null,
      },
    });
    const counter = {
      SEEN: 'sightingsSeen',
      TRUE_POSITIVE: 'sightingsTrue',
      FALSE_POSITIVE: 'sightingsFalse',
    } as const;
    await tx.intelReport.update({
      where: { id: reportId },
      data: { sightingCount: { increment: 1 }, [counter[input.type]]: { increment: 1 } },
    });
    // The author agency hears of every sighting but its own; a seizure is urgent news.
    if (actor.agencyId !== report.authorAgencyId) {
      const severity = input.type === 'TRUE_POSITIVE' ? 'URGENT' : 'WARNING';
      await recordReportAlert(tx, report, 'SIGHTING_REPORTED', severity, {
        recipientAgencyId: report.authorAgencyId,
        data: {
          sightingId: sighting.id,
          type: input.type,
          agencyId: actor.agencyId,
          country: sighting.country,
          seenAt: sighting.seenAt.toISOString(),
        },
      });
    }
    return sighting;
  });
}

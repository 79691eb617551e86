import { z } from 'zod';
import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { prisma } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { openRed, statePurpose } from './access-log.js';
import { redAddressedToWhere, reportVisibilityFor } from './intel.access.js';
import { IntelReportRef } from './intel.schema.js';

// Opening one report, with a stated purpose where the marking asks for one, and the notices of
// TLP:RED reports addressed to the viewer.

const purposeSchema = z
  .string()
  .trim()
  .min(10, { error: 'state the purpose in at least 10 characters' })
  .max(500, { error: 'must be at most 500 characters long' });

builder.queryField('intelReport', (t) =>
  t.prismaField({
    type: 'IntelReport',
    nullable: true,
    description:
      'Opens one report. A TLP:RED report addressed to you opens only here, with a stated `purpose`, and every opening is logged; for TLP:AMBER+STRICT the purpose, if given, is logged with the reading.',
    authScopes: { signedIn: true },
    args: {
      id: t.arg.globalID({ for: IntelReportRef }),
      purpose: t.arg.string({ required: false, validate: purposeSchema.optional() }),
    },
    resolve: async (query, _parent, { id, purpose }, context) => {
      const viewer = signedInViewer(context);
      if (purpose) statePurpose(context, id.id, purpose);
      const addressed = await prisma.intelReport.count({
        where: { id: id.id, AND: [redAddressedToWhere(viewer)] },
      });
      if (addressed > 0) {
        if (!purpose) {
          throw new ValidationError([
            { path: ['purpose'], message: 'reading a TLP:RED report requires a stated purpose' },
          ]);
        }
        openRed(context, id.id);
      }
      return prisma.intelReport.findFirst({
        ...query,
        where: {
          id: id.id,
          AND: [reportVisibilityFor(context)],
        },
      });
    },
  }),
);

const RedReportNotice = builder
  .objectRef<{ id: string; publishedAt: Date | null; authorAgencyId: string; opened: boolean }>(
    'RedReportNotice',
  )
  .implement({
    description:
      'A TLP:RED report addressed to you. Open it with intelReport(id:, purpose:); the content is not shown here.',
    fields: (t) => ({
      reportId: t.field({
        type: 'ID',
        resolve: (notice) => Buffer.from(`IntelReport:${notice.id}`).toString('base64'),
      }),
      publishedAt: t.expose('publishedAt', { type: 'DateTime', nullable: true }),
      authorAgency: t.prismaField({
        type: 'Agency',
        resolve: (query, notice) =>
          prisma.agency.findUniqueOrThrow({ ...query, where: { id: notice.authorAgencyId } }),
      }),
      opened: t.exposeBoolean('opened', { description: 'You have opened it before.' }),
    }),
  });

builder.queryField('redReportsForMe', (t) =>
  t.field({
    type: [RedReportNotice],
    description: 'TLP:RED reports addressed to you by name, newest first (100 at most).',
    authScopes: { signedIn: true },
    resolve: async (_parent, _args, context) => {
      const viewer = signedInViewer(context);
      const reports = await prisma.intelReport.findMany({
        where: redAddressedToWhere(viewer),
        orderBy: [{ publishedAt: 'desc' }, { id: 'asc' }],
        take: 100,
        select: {
          id: true,
          publishedAt: true,
          authorAgencyId: true,
          accessLog: { where: { userId: viewer.userId }, select: { id: true }, take: 1 },
        },
      });
      return reports.map((r) => ({ ...r, opened: r.accessLog.length > 0 }));
    },
  }),
);

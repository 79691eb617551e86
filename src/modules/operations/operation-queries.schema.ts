import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { operationVisibilityWhere } from './operation.access.js';
import { OperationPhaseEnum, OperationRef, ParticipationStatusEnum } from './operation.schema.js';

// Reading operations: the list and the search go through operationVisibilityWhere, as
// node(id:) does; an uninvited agency finds no trace, not even in totalCount.

const OperationFilter = builder.inputType('OperationFilter', {
  fields: (t) => ({
    phase: t.field({ type: [OperationPhaseEnum], required: false }),
    myStatus: t.field({
      type: [ParticipationStatusEnum],
      required: false,
      description: "Your agency's place: PENDING for invitations to answer, ACCEPTED for yours.",
    }),
    search: t.string({
      required: false,
      description: 'Words in the code name, title or objective.',
    }),
  }),
});

type Filter = typeof OperationFilter.$inferInput;

function filterWhere(
  filter: Filter | null | undefined,
  agencyId: string | undefined,
): Prisma.OperationWhereInput[] {
  if (!filter) return [];
  const and: Prisma.OperationWhereInput[] = [];
  if (filter.phase?.length) and.push({ phase: { in: filter.phase } });
  if (filter.myStatus?.length && agencyId) {
    and.push({ participants: { some: { agencyId, status: { in: filter.myStatus } } } });
  }
  const words = filter.search?.trim().split(/\s+/).filter(Boolean) ?? [];
  for (const word of words.slice(0, 10)) {
    and.push({
      OR: [
        { codeName: { contains: word, mode: 'insensitive' } },
        { title: { contains: word, mode: 'insensitive' } },
        { objective: { contains: word, mode: 'insensitive' } },
      ],
    });
  }
  return and;
}

builder.queryField('operations', (t) =>
  t.prismaConnection({
    type: 'Operation',
    cursor: 'id',
    description:
      'Operations your agency takes part in or is invited to, latest planned start first.',
    authScopes: { signedIn: true },
    args: { filter: t.arg({ type: OperationFilter, required: false }) },
    totalCount: (_parent, args, context) =>
      prisma.operation.count({
        where: {
          AND: [
            operationVisibilityWhere(context.viewer),
            ...filterWhere(args.filter, context.viewer?.agencyId),
          ],
        },
      }),
    resolve: (query, _parent, args, context) =>
      prisma.operation.findMany({
        ...query,
        where: {
          AND: [
            operationVisibilityWhere(context.viewer),
            ...filterWhere(args.filter, context.viewer?.agencyId),
          ],
        },
        orderBy: [{ plannedStart: 'desc' }, { id: 'asc' }],
      }),
  }),
);

builder.queryField('operation', (t) =>
  t.prismaField({
    type: 'Operation',
    nullable: true,
    description: 'One operation; null when it does not exist or your agency has no place in it.',
    authScopes: { signedIn: true },
    args: { id: t.arg.globalID({ for: OperationRef }) },
    resolve: (query, _parent, args, context) =>
      prisma.operation.findFirst({
        ...query,
        where: { id: args.id.id, AND: [operationVisibilityWhere(context.viewer)] },
      }),
  }),
);

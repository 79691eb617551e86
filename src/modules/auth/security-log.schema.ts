import { builder } from '../../builder.js';
import { SecurityEventKind } from '../../generated/prisma/enums.js';
import { visibleUser } from '../users/user.access.js';
import { UserRef } from '../users/user.schema.js';
import { securityEventVisibilityWhere } from './security-event.access.js';

// The account's security log in the API: read by its owner only (`me { securityLog }`).

const SecurityEventKindEnum = builder.enumType(SecurityEventKind, { name: 'SecurityEventKind' });

builder.prismaObject('SecurityEvent', {
  description: 'A change to how an account signs in: who made it, when and from where.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.expose('kind', { type: SecurityEventKindEnum }),
    at: t.expose('createdAt', { type: 'DateTime' }),
    actor: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'The admin who made the change; null when it was you.',
      select: { actorId: true },
      resolve: (query, event, _args, context) => visibleUser(context, event.actorId, query),
    }),
    provider: t.exposeString('provider', {
      nullable: true,
      description: 'The identity provider, as "name (agency)", for sign-on and link events.',
    }),
    ipAddress: t.exposeString('ipAddress', { nullable: true }),
  }),
});

builder.prismaObjectField(UserRef, 'securityLog', (t) =>
  t.relatedConnection('securityEvents', {
    description:
      'Changes to how this account signs in, newest first. Only the account itself reads it; empty for anyone else.',
    cursor: 'id',
    query: (_args, context) => ({
      where: securityEventVisibilityWhere(context.viewer),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    }),
  }),
);

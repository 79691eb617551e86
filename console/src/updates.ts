import type { Cache, UpdatesConfig } from '@urql/exchange-graphcache';

// What each of the console's mutations changes beyond the entities it returns (which the cache
// updates by their id on its own): the lists and counts that now hold more, fewer or other
// items are dropped from the cache, and every page showing them asks the server again.

/** Drops every cached value of `field` on `entity`, whatever its arguments. */
function drop(cache: Cache, entity: string, ...fields: string[]): void {
  for (const field of cache.inspectFields(entity)) {
    if (fields.includes(field.fieldName))
      cache.invalidate(entity, field.fieldName, field.arguments);
  }
}

/** The signed-in person's own fields, as the account page shows them. */
function dropMine(cache: Cache, ...fields: string[]): void {
  const me = cache.resolve('Query', 'me');
  if (typeof me === 'string') drop(cache, me, ...fields);
}

/** An operation's page and the lists it is in, after a change to it or to its working data. */
function dropOperation(cache: Cache, id: unknown): void {
  drop(cache, 'Query', 'operations');
  if (typeof id === 'string') cache.invalidate({ __typename: 'Operation', id });
}
const onOperation = (_result: unknown, args: Record<string, unknown>, cache: Cache) =>
  dropOperation(cache, args.operationId ?? args.id);
/** The searches and counts a report's change may move it in or out of. */
const onReport = (_result: unknown, _args: unknown, cache: Cache) =>
  drop(cache, 'Query', 'intelReports', 'intelReportCount');
const ACCOUNT = ['secondFactorEnabled', 'recoveryCodesLeft', 'securityLog', 'identityLinks'];

export const updates: UpdatesConfig = {
  Mutation: {
    acknowledgeAlert: (_result, _args, cache) => drop(cache, 'Query', 'unreadAlertCount'),
    acknowledgeAllAlerts: (_result, _args, cache) =>
      drop(cache, 'Query', 'unreadAlertCount', 'alerts'),
    createAlertRule: (_result, _args, cache) => drop(cache, 'Query', 'myAlertRules'),
    decideAccessRequest: (_result, _args, cache) =>
      drop(cache, 'Query', 'intelAccessRequests', 'intelMatches'),
    requestAccess: (_result, _args, cache) =>
      drop(cache, 'Query', 'intelMatches', 'intelAccessRequests'),
    decideRegistration: (_result, _args, cache) =>
      drop(cache, 'Query', 'registrationsAwaitingMyDecision', 'forumEvents'),
    checkIn: (_result, _args, cache) => drop(cache, 'Query', 'forumEvents'),
    createIntelReport: onReport,
    updateIntelReport: onReport,
    publishIntelReport: onReport,
    retractIntelReport: onReport,
    inviteToEvent: (_result, _args, cache) =>
      drop(cache, 'Query', 'forumEvents', 'registrationsAwaitingMyDecision'),
    respondToInvitation: onOperation,
    proposeOperation: (_result, _args, cache) => drop(cache, 'Query', 'operations'),
    inviteAgencies: onOperation,
    withdrawInvitation: onOperation,
    advanceOperationPhase: onOperation,
    cancelOperation: onOperation,
    updateOperation: onOperation,
    postOperationMessage: onOperation,
    createTask: onOperation,
    recordResult: onOperation,
    correctResult: (_result, _args, cache) => {
      drop(cache, 'Query', 'operations');
      for (const operation of cache.inspectFields('Query')) {
        if (operation.fieldName === 'operation')
          cache.invalidate('Query', 'operation', operation.arguments);
      }
    },
    updateTask: (_result, _args, cache) => drop(cache, 'Query', 'operations'),
    confirmSecondFactorEnrolment: (_result, _args, cache) => dropMine(cache, ...ACCOUNT),
    replaceRecoveryCodes: (_result, _args, cache) => dropMine(cache, ...ACCOUNT),
    turnOffSecondFactor: (_result, _args, cache) => dropMine(cache, ...ACCOUNT),
    unlinkUserIdentity: (_result, args, cache) => {
      dropMine(cache, ...ACCOUNT);
      if (typeof args.userId === 'string') {
        drop(cache, cache.keyOfEntity({ __typename: 'User', id: args.userId }) ?? '', ...ACCOUNT);
      }
    },
  },
};

import { z } from 'zod';
import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { AgencyRef, RegionEnum } from '../agencies/agency.schema.js';
import { reason } from '../common/codes.js';
import { ErrorInterface } from '../common/errors.schema.js';
import { IntelReportRef, ProductCategoryEnum, TlpEnum } from '../intel/intel.schema.js';
import { UserRef } from '../users/user.schema.js';
import {
  DetectionPointEnum,
  OperationLogEntryRef,
  OperationParticipantRef,
  OperationPhaseEnum,
  OperationRef,
  OperationResultRef,
  OperationTaskRef,
  QuantityUnitEnum,
  ResultKindEnum,
  TaskStatusEnum,
} from './operation.schema.js';
import {
  advanceOperationPhase,
  cancelOperation,
  inviteAgencies,
  proposeOperation,
  respondToInvitation,
  updateOperation,
  withdrawInvitation,
} from './operation.service.js';
import {
  invitationMessage,
  messageBody,
  note,
  proposeOperationInput,
  resultInput,
  taskChanges,
  taskInput,
  updateOperationInput,
} from './operation.validation.js';
import {
  commentOnTask,
  correctResult,
  createTask,
  linkIntelReport,
  postOperationMessage,
  recordResult,
  unlinkIntelReport,
  updateTask,
} from './operation-work.service.js';
import { IllegalPhaseTransitionError } from './phases.js';

// Mutations of joint operations. Each returns its payload or a typed error; a refused mutation
// changes nothing (see the services).

builder.objectType(IllegalPhaseTransitionError, {
  name: 'IllegalPhaseTransitionError',
  description: 'The operation cannot move to that phase from the one it is in; nothing changed.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    from: t.field({ type: OperationPhaseEnum, resolve: (e) => e.from }),
    to: t.field({ type: OperationPhaseEnum, resolve: (e) => e.to }),
    allowed: t.field({ type: [OperationPhaseEnum], resolve: (e) => e.allowed }),
  }),
});

/** What any operation mutation may answer besides a ValidationError. */
const errors = [ForbiddenError, NotFoundError, ConflictError];
/** Phase changes may also meet a transition the phase model does not have. */
const phaseErrors = [IllegalPhaseTransitionError, ...errors];

type InputFields = PothosSchemaTypes.InputFieldBuilder<
  typeof builder.$inferSchemaTypes,
  'InputObject'
>;

/** Fields of an operation: required for a proposal, optional for changes. */
function operationFields(t: InputFields, required: boolean) {
  return {
    codeName: t.string({ required, description: 'Unique in the network; stored upper case.' }),
    title: t.string({ required }),
    objective: t.string({ required }),
    legalBasis: t.string({ required: false, description: 'Legal basis and notes.' }),
    targetCountries: t.field({ type: ['Iso3166Code'], required: false }),
    targetRegions: t.field({ type: [RegionEnum], required: false }),
    plannedStart: t.field({ type: 'DateTime', required }),
    plannedEnd: t.field({ type: 'DateTime', required }),
    timeZone: t.string({ required, description: 'IANA time zone, e.g. Asia/Hong_Kong.' }),
    tlp: t.field({ type: TlpEnum, required }),
  };
}

// `.validate` gives the resolvers the schema's output type: what the services take.
const OperationInput = builder
  .inputType('OperationInput', { fields: (t) => operationFields(t, true) })
  .validate(proposeOperationInput);

const OperationChanges = builder
  .inputType('OperationChanges', {
    description: 'Fields left out stay as they are.',
    fields: (t) => operationFields(t, false),
  })
  .validate(updateOperationInput);

const InvitedRoleEnum = builder.enumType('InvitedRole', {
  values: ['PARTICIPANT', 'OBSERVER'] as const,
  description: 'OBSERVER reads and writes messages; it takes no tasks and records no results.',
});

const InvitationInput = builder.inputType('InvitationInput', {
  fields: (t) => ({
    agencyId: t.globalID({ for: AgencyRef }),
    role: t.field({ type: InvitedRoleEnum }),
    message: t.string({ required: false, validate: invitationMessage }),
  }),
});

const InvitationAnswerEnum = builder.enumType('InvitationAnswer', {
  values: ['ACCEPT', 'ACCEPT_WITH_CONDITIONS', 'DECLINE'] as const,
});

builder.mutationField('proposeOperation', (t) =>
  t.field({
    type: OperationRef,
    description: 'Proposes an operation led by your agency. Invite partners next.',
    authScopes: { role: 'COORDINATOR' },
    errors: { types: errors, dataField: { name: 'operation' } },
    args: { input: t.arg({ type: OperationInput }) },
    resolve: (_parent, { input }, context) => proposeOperation(signedInViewer(context), input),
  }),
);

builder.mutationField('updateOperation', (t) =>
  t.field({
    type: OperationRef,
    description: 'Changes an operation your agency leads; every change is logged.',
    authScopes: { role: 'COORDINATOR' },
    errors: { types: errors, dataField: { name: 'operation' } },
    args: { id: t.arg.globalID({ for: OperationRef }), input: t.arg({ type: OperationChanges }) },
    resolve: (_parent, { id, input }, context) =>
      updateOperation(signedInViewer(context), id.id, input),
  }),
);

builder.mutationField('inviteAgencies', (t) =>
  t.field({
    type: OperationRef,
    description: 'Invites agencies to an operation your agency leads; all or none are invited.',
    authScopes: { role: 'COORDINATOR' },
    errors: { types: errors, dataField: { name: 'operation' } },
    args: {
      operationId: t.arg.globalID({ for: OperationRef }),
      invitations: t.arg({ type: [InvitationInput] }),
    },
    resolve: (_parent, { operationId, invitations }, context) =>
      inviteAgencies(
        signedInViewer(context),
        operationId.id,
        invitations.map((i) => ({
          agencyId: i.agencyId.id,
          role: i.role,
          message: i.message ?? null,
        })),
      ),
  }),
);

builder.mutationField('respondToInvitation', (t) =>
  t.field({
    type: OperationParticipantRef,
    description:
      "Answers your agency's invitation (your agency's coordinators). Declining needs a reason.",
    authScopes: { signedIn: true },
    errors: { types: errors, dataField: { name: 'participation' } },
    args: {
      operationId: t.arg.globalID({ for: OperationRef }),
      answer: t.arg({ type: InvitationAnswerEnum }),
      conditions: t.arg.string({ required: false }),
      reason: t.arg.string({ required: false }),
    },
    // A loose object: the arguments it does not check (operationId) must pass through.
    validate: z
      .looseObject({
        answer: z.string(),
        conditions: z.string().trim().max(5000).nullish(),
        reason: z.string().trim().max(2000).nullish(),
      })
      .superRefine((args, ctx) => {
        if (args.answer === 'ACCEPT_WITH_CONDITIONS' && !args.conditions) {
          ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'state the conditions' });
        }
        if (args.answer === 'DECLINE' && (args.reason?.length ?? 0) < 5) {
          ctx.addIssue({
            code: 'custom',
            path: ['reason'],
            message: 'say why, in at least 5 characters',
          });
        }
      }),
    resolve: (_parent, args, context) =>
      respondToInvitation(signedInViewer(context), args.operationId.id, {
        answer: args.answer,
        conditions: args.conditions?.trim() || null,
        reason: args.reason?.trim() || null,
      }),
  }),
);

builder.mutationField('withdrawInvitation', (t) =>
  t.field({
    type: OperationParticipantRef,
    description:
      'Withdraws an unanswered invitation, or removes an agency that had accepted (lead coordinators).',
    authScopes: { role: 'COORDINATOR' },
    errors: { types: errors, dataField: { name: 'participation' } },
    args: {
      operationId: t.arg.globalID({ for: OperationRef }),
      agencyId: t.arg.globalID({ for: AgencyRef }),
      reason: t.arg.string({ validate: reason }),
    },
    resolve: (_parent, args, context) =>
      withdrawInvitation(
        signedInViewer(context),
        args.operationId.id,
        args.agencyId.id,
        args.reason,
      ),
  }),
);

builder.mutationField('advanceOperationPhase', (t) =>
  t.field({
    type: OperationRef,
    description:
      'Moves the operation to its next phase (PROPOSED → PREPARATION → ACTION → EVALUATION → CLOSED). Lead coordinators only.',
    authScopes: { role: 'COORDINATOR' },
    errors: { types: phaseErrors, dataField: { name: 'operation' } },
    args: {
      id: t.arg.globalID({ for: OperationRef }),
      to: t.arg({ type: OperationPhaseEnum, description: 'The phase you expect to move to.' }),
      note: t.arg.string({ required: false, validate: note }),
    },
    resolve: (_parent, args, context) =>
      advanceOperationPhase(signedInViewer(context), args.id.id, args.to, args.note ?? null),
  }),
);

builder.mutationField('cancelOperation', (t) =>
  t.field({
    type: OperationRef,
    description: 'Cancels the operation before it is closed. Lead coordinators only.',
    authScopes: { role: 'COORDINATOR' },
    errors: { types: phaseErrors, dataField: { name: 'operation' } },
    args: {
      id: t.arg.globalID({ for: OperationRef }),
      reason: t.arg.string({ validate: reason }),
    },
    resolve: (_parent, args, context) =>
      cancelOperation(signedInViewer(context), args.id.id, args.reason),
  }),
);

builder.mutationField('linkIntelReport', (t) =>
  t.field({
    type: OperationRef,
    description:
      "Links a report you may see to the operation. It stays as visible as it was: participants outside the report's audience see only that a report is linked.",
    authScopes: { signedIn: true },
    errors: { types: errors, dataField: { name: 'operation' } },
    args: {
      operationId: t.arg.globalID({ for: OperationRef }),
      reportId: t.arg.globalID({ for: IntelReportRef }),
      note: t.arg.string({ required: false, validate: note }),
    },
    resolve: (_parent, args, context) =>
      linkIntelReport(
        signedInViewer(context),
        args.operationId.id,
        args.reportId.id,
        args.note ?? null,
      ),
  }),
);

builder.mutationField('unlinkIntelReport', (t) =>
  t.field({
    type: OperationRef,
    authScopes: { signedIn: true },
    errors: { types: errors, dataField: { name: 'operation' } },
    args: {
      operationId: t.arg.globalID({ for: OperationRef }),
      reportId: t.arg.globalID({ for: IntelReportRef }),
    },
    resolve: (_parent, args, context) =>
      unlinkIntelReport(signedInViewer(context), args.operationId.id, args.reportId.id),
  }),
);

const TaskInput = builder
  .inputType('TaskInput', {
    fields: (t) => ({
      title: t.string(),
      description: t.string({ required: false }),
      assigneeAgencyId: t.globalID({ for: AgencyRef }),
      assigneeUserId: t.globalID({ for: UserRef, required: false }),
      dueAt: t.field({ type: 'DateTime', required: false }),
    }),
  })
  .validate(taskInput);

const TaskChanges = builder
  .inputType('TaskChanges', {
    description:
      'Fields left out stay as they are. The assignee agency may change status, outcome and assigneeUserId; the lead anything.',
    fields: (t) => ({
      title: t.string({ required: false }),
      description: t.string({ required: false }),
      assigneeAgencyId: t.globalID({ for: AgencyRef, required: false }),
      assigneeUserId: t.globalID({ for: UserRef, required: false }),
      dueAt: t.field({ type: 'DateTime', required: false }),
      status: t.field({ type: TaskStatusEnum, required: false }),
      outcome: t.string({ required: false }),
    }),
  })
  .validate(taskChanges);

builder.mutationField('createTask', (t) =>
  t.field({
    type: OperationTaskRef,
    description:
      "Creates a task: the lead's coordinators assign any participating agency, others their own. The assignee agency is notified.",
    authScopes: { signedIn: true },
    errors: { types: errors, dataField: { name: 'task' } },
    args: { operationId: t.arg.globalID({ for: OperationRef }), input: t.arg({ type: TaskInput }) },
    resolve: (_parent, { operationId, input }, context) =>
      createTask(signedInViewer(context), operationId.id, {
        title: input.title,
        description: input.description ?? null,
        assigneeAgencyId: input.assigneeAgencyId.id,
        assigneeUserId: input.assigneeUserId?.id ?? null,
        dueAt: input.dueAt ?? null,
      }),
  }),
);

builder.mutationField('updateTask', (t) =>
  t.field({
    type: OperationTaskRef,
    authScopes: { signedIn: true },
    errors: { types: errors, dataField: { name: 'task' } },
    args: { id: t.arg.globalID({ for: OperationTaskRef }), input: t.arg({ type: TaskChanges }) },
    resolve: (_parent, { id, input }, context) =>
      updateTask(signedInViewer(context), id.id, {
        title: input.title ?? undefined,
        description: input.description,
        assigneeAgencyId: input.assigneeAgencyId?.id,
        assigneeUserId:
          input.assigneeUserId === undefined ? undefined : (input.assigneeUserId?.id ?? null),
        dueAt: input.dueAt,
        status: input.status ?? undefined,
        outcome: input.outcome,
      }),
  }),
);

builder.mutationField('commentOnTask', (t) =>
  t.field({
    type: OperationTaskRef,
    description: 'Adds a comment to a task (append-only).',
    authScopes: { signedIn: true },
    errors: { types: errors, dataField: { name: 'task' } },
    args: {
      taskId: t.arg.globalID({ for: OperationTaskRef }),
      body: t.arg.string({ validate: messageBody }),
    },
    resolve: (_parent, args, context) =>
      commentOnTask(signedInViewer(context), args.taskId.id, args.body),
  }),
);

builder.mutationField('postOperationMessage', (t) =>
  t.field({
    type: OperationLogEntryRef,
    description: 'Writes to the thread all participating agencies read (append-only).',
    authScopes: { signedIn: true },
    errors: { types: errors, dataField: { name: 'entry' } },
    args: {
      operationId: t.arg.globalID({ for: OperationRef }),
      body: t.arg.string({ validate: messageBody }),
    },
    resolve: (_parent, args, context) =>
      postOperationMessage(signedInViewer(context), args.operationId.id, args.body),
  }),
);

const MarketValueInput = builder.inputType('MarketValueInput', {
  fields: (t) => ({
    amount: t.string({ description: 'Decimal string, e.g. "125000.50".' }),
    currency: t.field({ type: 'Currency' }),
    valuationDate: t.field({ type: 'DateTime', description: 'When the value was estimated.' }),
  }),
});

const ResultInput = builder
  .inputType('ResultInput', {
    description:
      'A seizure needs productCategory, quantity, unit and detectionPoint (count is 1); other kinds need count.',
    fields: (t) => ({
      kind: t.field({ type: ResultKindEnum }),
      count: t.int({ required: false }),
      occurredOn: t.field({ type: 'DateTime', required: false }),
      description: t.string({ required: false }),
      productCategory: t.field({ type: ProductCategoryEnum, required: false }),
      hsCode: t.string({ required: false }),
      quantity: t.string({ required: false, description: 'Decimal string.' }),
      unit: t.field({ type: QuantityUnitEnum, required: false }),
      marketValue: t.field({ type: MarketValueInput, required: false }),
      detectionPoint: t.field({ type: DetectionPointEnum, required: false }),
    }),
  })
  .validate(resultInput);

builder.mutationField('recordResult', (t) =>
  t.field({
    type: OperationResultRef,
    description: 'Records a result of your agency (ACTION and EVALUATION phases).',
    authScopes: { signedIn: true },
    errors: { types: errors, dataField: { name: 'result' } },
    args: {
      operationId: t.arg.globalID({ for: OperationRef }),
      input: t.arg({ type: ResultInput }),
    },
    resolve: (_parent, { operationId, input }, context) =>
      recordResult(signedInViewer(context), operationId.id, input),
  }),
);

builder.mutationField('correctResult', (t) =>
  t.field({
    type: OperationResultRef,
    description:
      'Replaces a result of your agency with a corrected one; the original is kept, marked superseded.',
    authScopes: { signedIn: true },
    errors: { types: errors, dataField: { name: 'result' } },
    args: {
      id: t.arg.globalID({ for: OperationResultRef }),
      input: t.arg({ type: ResultInput }),
      reason: t.arg.string({ validate: reason }),
    },
    resolve: (_parent, { id, input, reason: why }, context) =>
      correctResult(signedInViewer(context), id.id, input, why),
  }),
);

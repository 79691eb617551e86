import { signal } from '@preact/signals';
import type { CombinedError } from '@urql/core';
import { useMutation, useQuery } from '@urql/preact';
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Me } from '../app.tsx';
import { graphql, type ResultOf, type VariablesOf } from '../graphql.ts';
import { lang, localeEnum, t } from '../i18n.ts';
import {
  CATEGORIES,
  categoryName,
  type EnumOf,
  MARKINGS,
  type Marking,
  markingName,
  phaseName,
  valueName,
} from '../labels.ts';
import { problemOfResult, Read } from '../read.tsx';
import { dateTime, day } from '../time.ts';
import { Tlp } from '../tlp.tsx';

// One joint operation, as the reader's agency may see it: the summary, and for agencies taking
// part the working data (agencies and their answers, phases with their notes, tasks with their
// comments, the thread, linked reports, results with totals per currency) and, from evaluation
// on, the after-action report in the reader's language. An invited agency sees the summary and
// answers its invitation here; coordinators of the lead invite, withdraw, move the phase and
// cancel; agencies taking part assign tasks, comment, post and record results.

const OPERATION = graphql(`
  query ConsoleOperation($id: ID!, $locale: Locale) {
    operation(id: $id) {
      id codeName title objective phase tlp plannedStart plannedEnd timeZone cancelReason
      nextPhases
      leadAgency { id name(locale: $locale) }
      myParticipation { id role status conditions message reason agency { id } }
      workspace {
        legalBasis
        participants {
          id role status conditions message reason respondedAt agency { id name(locale: $locale) }
        }
        phaseHistory { from to note changedAt changedBy { id displayName } }
        linkedIntel { reportId note linkedAt linkedAgency { id name(locale: $locale) } report { id title tlp } }
        afterActionReport(locale: $locale) { locale markdown }
      }
    }
  }
`);
// The working data is read in three parts: the server limits what one request may cost.
const TASKS = graphql(`
  query ConsoleOperationTasks($id: ID!, $locale: Locale) {
    operation(id: $id) {
      id
      workspace {
        tasks {
          id title description status dueAt outcome
          assigneeAgency { id name(locale: $locale) } assigneeUser { id displayName }
          comments { id body createdAt agency { id name(locale: $locale) } author { id displayName } }
        }
      }
    }
  }
`);
const THREAD = graphql(`
  query ConsoleOperationThread($id: ID!, $locale: Locale) {
    operation(id: $id) {
      id
      workspace {
        log(first: 100) {
          edges { node { id kind event body createdAt agency { id name(locale: $locale) } actor { id displayName } } }
        }
      }
    }
  }
`);
const RESULTS = graphql(`
  query ConsoleOperationResults($id: ID!, $locale: Locale) {
    operation(id: $id) {
      id
      workspace {
        results {
          id kind count quantity unit productCategory description recordedAt correctionReason
          marketValue { amount currency } agency { id name(locale: $locale) }
        }
        resultTotals {
          total {
            byKind { kind count }
            marketValue { amount currency seizures }
            seizures { productCategory quantity unit seizures }
          }
        }
      }
    }
  }
`);
const AGENCIES = graphql(`
  query ConsoleOperationAgencies($locale: Locale) {
    agencies(first: 100) { edges { node { id name(locale: $locale) } } }
  }
`);
const RESPOND = graphql(`
  mutation ConsoleAnswerInvitation(
    $operationId: ID!, $answer: InvitationAnswer!, $conditions: String, $reason: String
  ) {
    respondToInvitation(
      operationId: $operationId, answer: $answer, conditions: $conditions, reason: $reason
    ) {
      __typename
      ... on RespondToInvitationSuccess { participation { id status conditions reason } }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const INVITE = graphql(`
  mutation ConsoleInviteAgency($operationId: ID!, $invitations: [InvitationInput!]!) {
    inviteAgencies(operationId: $operationId, invitations: $invitations) {
      __typename
      ... on InviteAgenciesSuccess { operation { id } }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const WITHDRAW = graphql(`
  mutation ConsoleWithdrawInvitation($operationId: ID!, $agencyId: ID!, $reason: String!) {
    withdrawInvitation(operationId: $operationId, agencyId: $agencyId, reason: $reason) {
      __typename
      ... on WithdrawInvitationSuccess { participation { id status reason } }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const ADVANCE = graphql(`
  mutation ConsoleAdvancePhase($id: ID!, $to: OperationPhase!, $note: String) {
    advanceOperationPhase(id: $id, to: $to, note: $note) {
      __typename
      ... on AdvanceOperationPhaseSuccess { operation { id phase nextPhases } }
      ... on IllegalPhaseTransitionError { allowed }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const UPDATE_OPERATION = graphql(`
  mutation ConsoleUpdateOperation($id: ID!, $input: OperationChanges!) {
    updateOperation(id: $id, input: $input) {
      __typename
      ... on UpdateOperationSuccess { operation { id title objective plannedStart plannedEnd tlp } }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const CANCEL = graphql(`
  mutation ConsoleCancelOperation($id: ID!, $reason: String!) {
    cancelOperation(id: $id, reason: $reason) {
      __typename
      ... on CancelOperationSuccess { operation { id phase cancelReason nextPhases } }
      ... on IllegalPhaseTransitionError { allowed }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const POST = graphql(`
  mutation ConsolePostMessage($operationId: ID!, $body: String!) {
    postOperationMessage(operationId: $operationId, body: $body) {
      __typename
      ... on PostOperationMessageSuccess { entry { id } }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const CREATE_TASK = graphql(`
  mutation ConsoleCreateTask($operationId: ID!, $input: TaskInput!) {
    createTask(operationId: $operationId, input: $input) {
      __typename
      ... on CreateTaskSuccess { task { id } }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const COMMENT = graphql(`
  mutation ConsoleCommentOnTask($taskId: ID!, $body: String!) {
    commentOnTask(taskId: $taskId, body: $body) {
      __typename
      ... on CommentOnTaskSuccess {
        task { id comments { id body createdAt agency { id name } author { id displayName } } }
      }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const UPDATE_TASK = graphql(`
  mutation ConsoleUpdateTask($id: ID!, $input: TaskChanges!) {
    updateTask(id: $id, input: $input) {
      __typename
      ... on UpdateTaskSuccess { task { id status outcome completedAt } }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const CORRECT = graphql(`
  mutation ConsoleCorrectResult($id: ID!, $input: ResultInput!, $reason: String!) {
    correctResult(id: $id, input: $input, reason: $reason) {
      __typename
      ... on CorrectResultSuccess { result { id } }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const RECORD = graphql(`
  mutation ConsoleRecordResult($operationId: ID!, $input: ResultInput!) {
    recordResult(operationId: $operationId, input: $input) {
      __typename
      ... on RecordResultSuccess { result { id } }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);

type Operation = NonNullable<ResultOf<typeof OPERATION>['operation']>;
type Workspace = NonNullable<Operation['workspace']>;
type Phase = EnumOf<'OperationPhase'>;
type Answer = EnumOf<'InvitationAnswer'>;
type CountedKind = Exclude<EnumOf<'ResultKind'>, 'SEIZURE'>;
const COUNTED: CountedKind[] = [
  'ARREST',
  'PREMISES_INSPECTED',
  'TAKEDOWN',
  'CRIMINAL_CASE_OPENED',
  'ADMINISTRATIVE_CASE_OPENED',
  'REFERRED_TO_PROSECUTION',
  'REFERRED_TO_COURT',
];

/** Why a mutation did not do what was asked, or null when it did. */
function refusalOf(
  result: { error?: CombinedError },
  answer: { __typename: string; allowed?: Phase[] } | null | undefined,
  success: string,
): string | null {
  if (!result.error && answer?.__typename === success) return null;
  const problem = problemOfResult(result, answer);
  if (answer?.allowed) {
    const allowed = answer.allowed.map((p) => phaseName(lang.value, p)).join(', ');
    return `${problem} ${t().opAllowed(allowed)}`;
  }
  return problem;
}

/** A form that sends one mutation, and says under it whether it was done or why not. */
function Action(props: {
  class?: string;
  label: string;
  send: () => Promise<string | null>;
  children: ComponentChildren;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class={`op-form ${props.class ?? ''}`}
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setProblem(null);
        setDone(false);
        const refusal = await props.send();
        setBusy(false);
        setProblem(refusal);
        setDone(refusal === null);
      }}
    >
      {props.children}
      <button type="submit" disabled={busy}>
        {props.label}
      </button>
      {problem ? (
        <p class="problem" role="alert">
          {problem}
        </p>
      ) : done ? (
        <p class="ok" role="status">
          {t().opDone}
        </p>
      ) : null}
    </form>
  );
}

/** A text field of a form: one line, or several. */
function Field(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  long?: boolean;
  required?: boolean;
  type?: 'text' | 'date' | 'number';
}) {
  const onInput = (event: Event) => props.onInput((event.target as HTMLInputElement).value);
  return props.long ? (
    <label>
      {props.label}
      <textarea value={props.value} onInput={onInput} required={props.required} rows={3} />
    </label>
  ) : (
    <label>
      {props.label}
      <input
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        onInput={onInput}
        required={props.required}
      />
    </label>
  );
}

/** What the list of operations says after an answer sent from it or from an operation's page. */
export const answeredNotice = signal<string | null>(null);

/**
 * The invited agency's answer: accept, accept with conditions (shown to every agency), or
 * decline with a reason. Used on the list of invitations and on the operation's page.
 */
export function AnswerInvitation(props: { operationId: string; codeName: string }) {
  const { operationId, codeName } = props;
  const words = t();
  const [answer, setAnswer] = useState<Answer>('ACCEPT');
  const [conditions, setConditions] = useState('');
  const [reason, setReason] = useState('');
  const [, respond] = useMutation(RESPOND);
  const choices: [Answer, string][] = [
    ['ACCEPT', words.accept],
    ['ACCEPT_WITH_CONDITIONS', words.opAcceptConditions],
    ['DECLINE', words.decline],
  ];
  return (
    <Action
      class="answer"
      label={words.opSendAnswer}
      send={async () => {
        const result = await respond({
          operationId,
          answer,
          conditions: answer === 'ACCEPT_WITH_CONDITIONS' ? conditions.trim() : null,
          reason: answer === 'DECLINE' ? reason.trim() : null,
        });
        const refusal = refusalOf(
          result,
          result.data?.respondToInvitation,
          'RespondToInvitationSuccess',
        );
        if (refusal === null) {
          answeredNotice.value =
            answer === 'DECLINE'
              ? words.opDeclinedNotice(codeName)
              : words.opAnsweredNotice(codeName);
          // A declined operation is no longer shown to the agency: back to its list.
          if (answer === 'DECLINE') window.location.hash = '#operations';
        }
        return refusal;
      }}
    >
      <fieldset>
        <legend>{words.opAnswerTitle}</legend>
        {choices.map(([value, label]) => (
          <label key={value} class="choice">
            <input
              type="radio"
              name={`answer-${operationId}`}
              value={value}
              checked={answer === value}
              onChange={() => setAnswer(value)}
            />
            {label}
          </label>
        ))}
      </fieldset>
      {answer === 'ACCEPT_WITH_CONDITIONS' ? (
        <Field
          label={words.opConditionsField}
          value={conditions}
          onInput={setConditions}
          long
          required
        />
      ) : null}
      {answer === 'DECLINE' ? (
        <Field label={words.opDeclineField} value={reason} onInput={setReason} long required />
      ) : null}
    </Action>
  );
}

export function OperationPage({ id, me }: { id: string; me: Me }) {
  const words = t();
  const [result, reexecute] = useQuery({
    query: OPERATION,
    variables: { id, locale: localeEnum() },
  });
  const operation = result.data?.operation;
  useEffect(() => {
    if (operation?.codeName) document.title = t().pageTitle(operation.codeName);
  }, [operation?.codeName]);
  return (
    <section class="operation" aria-labelledby="operation-title">
      <p>
        <a href="#operations">{words.opBack}</a>
      </p>
      <Read result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) =>
          data.operation ? (
            <OperationView operation={data.operation} me={me} />
          ) : (
            <>
              <h1 id="operation-title">{words.operations}</h1>
              <p role="alert">{words.opNotFound}</p>
            </>
          )
        }
      </Read>
    </section>
  );
}

function OperationView({ operation, me }: { operation: Operation; me: Me }) {
  const words = t();
  const l = lang.value;
  const mine = operation.myParticipation;
  const coordinator = me.roles.includes('COORDINATOR');
  const leads = coordinator && mine?.role === 'LEAD';
  const workspace = operation.workspace;
  return (
    <>
      <h1 id="operation-title">
        {operation.codeName}: {operation.title}
      </h1>
      <dl class="op-summary">
        <dt>{words.opPhase}</dt>
        <dd data-phase={operation.phase}>{phaseName(l, operation.phase)}</dd>
        <dt>{words.opMarking}</dt>
        <dd>
          <Tlp tlp={operation.tlp} />
        </dd>
        <dt>{words.lead}</dt>
        <dd>{operation.leadAgency.name}</dd>
        <dt>{words.opWindow}</dt>
        <dd>
          {dateTime(operation.plannedStart, operation.timeZone)} –{' '}
          {dateTime(operation.plannedEnd, operation.timeZone)}
        </dd>
        <dt>{words.opObjective}</dt>
        <dd>{operation.objective}</dd>
        {workspace?.legalBasis ? (
          <>
            <dt>{words.opLegalBasis}</dt>
            <dd>{workspace.legalBasis}</dd>
          </>
        ) : null}
      </dl>
      {operation.cancelReason ? (
        <p class="notice">{words.opCancelled(operation.cancelReason)}</p>
      ) : null}
      {mine && mine.role !== 'LEAD' ? (
        <div class="panel" data-invitation={mine.status}>
          <p>{words.opInvitedAs(valueName(l, mine.role))}</p>
          {mine.message ? (
            <p>
              {words.opLeadMessage}: {mine.message}
            </p>
          ) : null}
          {mine.status === 'PENDING' ? (
            coordinator ? (
              <AnswerInvitation operationId={operation.id} codeName={operation.codeName} />
            ) : null
          ) : (
            <p class="answered">{words.opAnswered(valueName(l, mine.status))}</p>
          )}
        </div>
      ) : null}
      {workspace ? (
        <Work operation={operation} workspace={workspace} me={me} leads={leads} />
      ) : (
        <p class="empty">{words.opNoWorkspace}</p>
      )}
    </>
  );
}

type Tasks = NonNullable<NonNullable<ResultOf<typeof TASKS>['operation']>['workspace']>;
type Thread = NonNullable<NonNullable<ResultOf<typeof THREAD>['operation']>['workspace']>;
type Outcomes = NonNullable<NonNullable<ResultOf<typeof RESULTS>['operation']>['workspace']>;

// Each part of the working data has its own loading and error states.
function TasksPart(props: { id: string; children: (part: Tasks) => JSX.Element }) {
  const [result, reexecute] = useQuery({
    query: TASKS,
    variables: { id: props.id, locale: localeEnum() },
  });
  return (
    <Read result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
      {(data) => (data.operation?.workspace ? props.children(data.operation.workspace) : null)}
    </Read>
  );
}
function ThreadPart(props: { id: string; children: (part: Thread) => JSX.Element }) {
  const [result, reexecute] = useQuery({
    query: THREAD,
    variables: { id: props.id, locale: localeEnum() },
  });
  return (
    <Read result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
      {(data) => (data.operation?.workspace ? props.children(data.operation.workspace) : null)}
    </Read>
  );
}
function ResultsPart(props: { id: string; children: (part: Outcomes) => JSX.Element }) {
  const [result, reexecute] = useQuery({
    query: RESULTS,
    variables: { id: props.id, locale: localeEnum() },
  });
  return (
    <Read result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
      {(data) => (data.operation?.workspace ? props.children(data.operation.workspace) : null)}
    </Read>
  );
}

function Work(props: { operation: Operation; workspace: Workspace; me: Me; leads: boolean }) {
  const { operation, workspace, me, leads } = props;
  const words = t();
  const l = lang.value;
  const writes = me.roles.includes('COORDINATOR') || me.roles.includes('ANALYST');
  const open = !['CLOSED', 'CANCELLED'].includes(operation.phase);
  const observer = operation.myParticipation?.role === 'OBSERVER';
  const mine = operation.myParticipation?.agency.id;
  const taking = workspace.participants.filter(
    (p) => p.status === 'ACCEPTED' && p.role !== 'OBSERVER',
  );
  return (
    <>
      <section class="panel" aria-labelledby="op-agencies">
        <h2 id="op-agencies">{words.opParticipants}</h2>
        <ul class="reports">
          {workspace.participants.map((p) => (
            <li key={p.id} data-agency={p.agency.name} data-status={p.status}>
              <strong>{p.agency.name}</strong>
              <span class="meta">
                {valueName(l, p.role)} · {valueName(l, p.status)}
                {p.respondedAt ? ` · ${day(p.respondedAt)}` : ''}
              </span>
              {p.conditions ? (
                <span>
                  {words.opConditions}: {p.conditions}
                </span>
              ) : null}
              {p.reason ? (
                <span>
                  {words.opReason}: {p.reason}
                </span>
              ) : null}
              {leads && open && p.status === 'PENDING' ? (
                <Withdraw operationId={operation.id} agencyId={p.agency.id} />
              ) : null}
            </li>
          ))}
        </ul>
        {leads && ['PROPOSED', 'PREPARATION', 'ACTION'].includes(operation.phase) ? (
          <Invite operationId={operation.id} />
        ) : null}
      </section>

      <section class="panel" aria-labelledby="op-phases">
        <h2 id="op-phases">{words.opPhases}</h2>
        <ol class="op-history">
          {workspace.phaseHistory.map((change) => (
            <li key={change.changedAt}>
              <strong>{phaseName(l, change.to)}</strong>{' '}
              <span class="meta">
                {dateTime(change.changedAt)}
                {change.changedBy ? ` · ${change.changedBy.displayName}` : ''}
              </span>
              {change.note ? <p>{change.note}</p> : null}
            </li>
          ))}
        </ol>
        {leads && open ? <MovePhase operation={operation} /> : null}
      </section>

      <section class="panel" aria-labelledby="op-tasks">
        <h2 id="op-tasks">{words.opTasks}</h2>
        <TasksPart id={operation.id}>
          {(part) => (
            <>
              {part.tasks.length === 0 ? <p class="empty">{words.opNone}</p> : null}
              <ul class="reports">
                {part.tasks.map((task) => (
                  <li key={task.id} data-task={task.title}>
                    <strong>{task.title}</strong>
                    <span class="meta">
                      {words.opAssignee}: {task.assigneeAgency.name}
                      {task.assigneeUser ? ` (${task.assigneeUser.displayName})` : ''} ·{' '}
                      {valueName(l, task.status)}
                      {task.dueAt
                        ? ` · ${words.due} ${dateTime(task.dueAt, operation.timeZone)}`
                        : ''}
                    </span>
                    {task.description ? <p>{task.description}</p> : null}
                    {task.outcome ? <p>{task.outcome}</p> : null}
                    {task.comments.length > 0 ? (
                      <ul class="op-comments" aria-label={words.opComments}>
                        {task.comments.map((c) => (
                          <li key={c.id}>
                            <span class="meta">
                              {c.author ? `${c.author.displayName} · ` : ''}
                              {c.agency.name} · {dateTime(c.createdAt)}
                            </span>
                            {c.body}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                    {writes && open ? <Comment taskId={task.id} /> : null}
                    {writes && open && (leads || task.assigneeAgency.id === mine) ? (
                      <TaskStatus task={task} />
                    ) : null}
                  </li>
                ))}
              </ul>
            </>
          )}
        </TasksPart>
        {leads && open ? <NewTask operation={operation} agencies={taking} /> : null}
      </section>

      <section class="panel" aria-labelledby="op-thread">
        <h2 id="op-thread">{words.opThread}</h2>
        <ThreadPart id={operation.id}>
          {(part) => (
            <ol class="op-thread">
              {part.log.edges.map(({ node }) => (
                <li key={node.id} class={node.kind === 'MESSAGE' ? 'message' : 'event'}>
                  <span class="meta">
                    {node.actor ? `${node.actor.displayName} · ` : ''}
                    {node.agency.name} · {dateTime(node.createdAt)}
                  </span>
                  {node.kind === 'MESSAGE'
                    ? node.body
                    : words.opEvent(words.opEvents[node.event ?? ''] ?? node.event ?? '')}
                </li>
              ))}
            </ol>
          )}
        </ThreadPart>
        {writes && open ? <Post operationId={operation.id} /> : null}
      </section>

      <section class="panel" aria-labelledby="op-linked">
        <h2 id="op-linked">{words.opLinked}</h2>
        {workspace.linkedIntel.length === 0 ? <p class="empty">{words.opNone}</p> : null}
        <ul class="reports">
          {workspace.linkedIntel.map((link) => (
            <li key={link.reportId}>
              {link.report ? (
                <a href={`#report/${encodeURIComponent(link.report.id)}`}>{link.report.title}</a>
              ) : (
                <span>{words.opHiddenReport}</span>
              )}
              <span class="meta">
                {link.report ? <Tlp tlp={link.report.tlp} /> : null} {link.linkedAgency.name} ·{' '}
                {day(link.linkedAt)}
              </span>
              {link.note ? <span>{link.note}</span> : null}
            </li>
          ))}
        </ul>
      </section>

      <ResultsPart id={operation.id}>
        {(part) => (
          <Results
            operation={operation}
            workspace={part}
            corrects={
              writes && !observer && ['ACTION', 'EVALUATION'].includes(operation.phase)
                ? (mine ?? null)
                : null
            }
          />
        )}
      </ResultsPart>
      {writes && !observer && ['ACTION', 'EVALUATION'].includes(operation.phase) ? (
        <Record operationId={operation.id} />
      ) : null}

      <section class="panel" aria-labelledby="op-after-action">
        <h2 id="op-after-action">{words.afterAction}</h2>
        {workspace.afterActionReport ? (
          <>
            <p class="actions">
              {(['md', 'json'] as const).map((format) => (
                <a
                  key={format}
                  href={`/operations/${encodeURIComponent(operation.id)}/after-action.${format}?locale=${l}`}
                  download
                >
                  {format === 'md' ? words.opDownloadMd : words.opDownloadJson}
                </a>
              ))}
            </p>
            <div class="after-action" lang={workspace.afterActionReport.locale}>
              <Markdown text={workspace.afterActionReport.markdown} />
            </div>
          </>
        ) : (
          <p class="empty">{words.opAfterActionLater}</p>
        )}
      </section>

      {leads && open ? (
        <Edit operation={operation} legalBasis={workspace.legalBasis ?? ''} />
      ) : null}
      {leads && open ? <Cancel operationId={operation.id} /> : null}
    </>
  );
}

function Results(props: {
  operation: Operation;
  workspace: Outcomes;
  /** The reader's agency, when it may correct its own results now. */
  corrects: string | null;
}) {
  const { operation, workspace } = props;
  const words = t();
  const l = lang.value;
  const total = workspace.resultTotals.total;
  const number = (value: string | number) =>
    Number(value).toLocaleString(l, { maximumFractionDigits: 3 });
  // Amounts are exact decimals: grouped as written, never rounded through a float.
  const money = (amount: string, currency: string) => {
    const [whole = '0', fraction = ''] = amount.replace(/^-/, '').split('.');
    const sign = amount.startsWith('-') ? '-' : '';
    const grouped = BigInt(whole).toLocaleString(l);
    const point = (1.5).toLocaleString(l).charAt(1);
    return `${currency} ${sign}${grouped}${point}${fraction.padEnd(2, '0')}`;
  };
  return (
    <section class="panel" aria-labelledby="op-results">
      <h2 id="op-results">{words.opResults}</h2>
      {workspace.results.length === 0 ? <p class="empty">{words.opNone}</p> : null}
      <ul class="reports">
        {workspace.results.map((r) => (
          <li key={r.id}>
            <strong>
              {valueName(l, r.kind)}
              {r.kind === 'SEIZURE' && r.quantity && r.unit
                ? `: ${number(r.quantity)} ${valueName(l, r.unit)}`
                : `: ${number(r.count)}`}
              {r.productCategory ? ` · ${categoryName(l, r.productCategory)}` : ''}
            </strong>
            <span class="meta">
              {r.agency.name} · {dateTime(r.recordedAt, operation.timeZone)}
              {r.marketValue ? ` · ${money(r.marketValue.amount, r.marketValue.currency)}` : ''}
            </span>
            {r.description ? <span>{r.description}</span> : null}
            {r.correctionReason ? (
              <span>
                {words.opCorrected}: {r.correctionReason}
              </span>
            ) : null}
            {props.corrects && r.agency.id === props.corrects ? (
              <Record operationId={operation.id} correcting={{ id: r.id, kind: r.kind }} />
            ) : null}
          </li>
        ))}
      </ul>
      {workspace.results.length > 0 ? (
        <div class="op-totals">
          <h3>{words.opTotals}</h3>
          <ul>
            {total.byKind.map((k) => (
              <li key={k.kind}>
                {valueName(l, k.kind)}: {number(k.count)}
              </li>
            ))}
            {total.seizures.map((s) => (
              <li key={`${s.productCategory}-${s.unit}`}>
                {categoryName(l, s.productCategory)}: {number(s.quantity)} {valueName(l, s.unit)}
              </li>
            ))}
            {total.marketValue.map((v) => (
              <li key={v.currency} data-currency={v.currency}>
                {money(v.amount, v.currency)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function Withdraw({ operationId, agencyId }: { operationId: string; agencyId: string }) {
  const words = t();
  const [reason, setReason] = useState('');
  const [, withdraw] = useMutation(WITHDRAW);
  return (
    <details class="op-more">
      <summary>{words.opWithdraw}</summary>
      <Action
        label={words.opWithdraw}
        send={async () => {
          const result = await withdraw({ operationId, agencyId, reason: reason.trim() });
          return refusalOf(result, result.data?.withdrawInvitation, 'WithdrawInvitationSuccess');
        }}
      >
        <Field label={words.opWithdrawReason} value={reason} onInput={setReason} required />
      </Action>
    </details>
  );
}

function Invite({ operationId }: { operationId: string }) {
  const words = t();
  const [agencies] = useQuery({ query: AGENCIES, variables: { locale: localeEnum() } });
  const [agencyId, setAgencyId] = useState('');
  const [role, setRole] = useState<EnumOf<'InvitedRole'>>('PARTICIPANT');
  const [message, setMessage] = useState('');
  const [, invite] = useMutation(INVITE);
  const list = agencies.data?.agencies.edges.map((e) => e.node) ?? [];
  return (
    <details class="op-more">
      <summary>{words.opInvite}</summary>
      <Action
        class="invite-agency"
        label={words.invite}
        send={async () => {
          const result = await invite({
            operationId,
            invitations: [{ agencyId, role, message: message.trim() || null }],
          });
          return refusalOf(result, result.data?.inviteAgencies, 'InviteAgenciesSuccess');
        }}
      >
        <label>
          {words.opAgency}
          <select
            value={agencyId}
            required
            onChange={(e) => setAgencyId((e.target as HTMLSelectElement).value)}
          >
            <option value="" />
            {list.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {words.opRole}
          <select
            value={role}
            onChange={(e) =>
              setRole((e.target as HTMLSelectElement).value as EnumOf<'InvitedRole'>)
            }
          >
            {(['PARTICIPANT', 'OBSERVER'] as const).map((r) => (
              <option key={r} value={r}>
                {valueName(lang.value, r)}
              </option>
            ))}
          </select>
        </label>
        <Field label={words.opMessage} value={message} onInput={setMessage} long />
      </Action>
    </details>
  );
}

function MovePhase({ operation }: { operation: Operation }) {
  const words = t();
  const [to, setTo] = useState<Phase | ''>('');
  const [note, setNote] = useState('');
  const [, advance] = useMutation(ADVANCE);
  const next = operation.nextPhases.filter((p) => p !== 'CANCELLED');
  const target = to || next[0];
  if (!target) return null;
  return (
    <Action
      class="move-phase"
      label={words.opMove}
      send={async () => {
        const result = await advance({ id: operation.id, to: target, note: note.trim() || null });
        return refusalOf(
          result,
          result.data?.advanceOperationPhase,
          'AdvanceOperationPhaseSuccess',
        );
      }}
    >
      <label>
        {words.opMoveTo}
        <select
          value={target}
          onChange={(e) => setTo((e.target as HTMLSelectElement).value as Phase)}
        >
          {next.map((p) => (
            <option key={p} value={p}>
              {phaseName(lang.value, p)}
            </option>
          ))}
        </select>
      </label>
      <Field label={words.opNote} value={note} onInput={setNote} />
    </Action>
  );
}

/** A day of an ISO time, for a date field, in the reader's zone. */
function dayField(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The lead's coordinators change the operation's title, objective, legal basis, window or marking. */
function Edit({ operation, legalBasis }: { operation: Operation; legalBasis: string }) {
  const words = t();
  const [title, setTitle] = useState(operation.title);
  const [objective, setObjective] = useState(operation.objective);
  const [basis, setBasis] = useState(legalBasis);
  const [start, setStart] = useState(dayField(operation.plannedStart));
  const [end, setEnd] = useState(dayField(operation.plannedEnd));
  const [tlp, setTlp] = useState<Marking>(operation.tlp);
  const [, update] = useMutation(UPDATE_OPERATION);
  return (
    <details class="panel op-more">
      <summary>{words.opEdit}</summary>
      <Action
        class="edit-operation"
        label={words.opEdit}
        send={async () => {
          const result = await update({
            id: operation.id,
            input: {
              title: title.trim(),
              objective: objective.trim(),
              legalBasis: basis.trim() || null,
              tlp,
              ...(start !== dayField(operation.plannedStart)
                ? { plannedStart: new Date(`${start}T00:00:00`).toISOString() }
                : {}),
              ...(end !== dayField(operation.plannedEnd)
                ? { plannedEnd: new Date(`${end}T23:59:00`).toISOString() }
                : {}),
            },
          });
          return refusalOf(result, result.data?.updateOperation, 'UpdateOperationSuccess');
        }}
      >
        <Field label={words.opTitleField} value={title} onInput={setTitle} required />
        <Field label={words.opObjective} value={objective} onInput={setObjective} long required />
        <Field label={words.opLegalBasis} value={basis} onInput={setBasis} long />
        <Field label={words.opStart} value={start} onInput={setStart} type="date" required />
        <Field label={words.opEnd} value={end} onInput={setEnd} type="date" required />
        <Choice
          label={words.opMarking}
          value={tlp}
          values={MARKINGS}
          name={markingName}
          onChange={setTlp}
        />
      </Action>
    </details>
  );
}

function Cancel({ operationId }: { operationId: string }) {
  const words = t();
  const [reason, setReason] = useState('');
  const [, cancel] = useMutation(CANCEL);
  return (
    <details class="panel op-more">
      <summary>{words.opCancel}</summary>
      <Action
        class="cancel"
        label={words.opCancel}
        send={async () => {
          const result = await cancel({ id: operationId, reason: reason.trim() });
          return refusalOf(result, result.data?.cancelOperation, 'CancelOperationSuccess');
        }}
      >
        <Field label={words.opCancelReason} value={reason} onInput={setReason} long required />
      </Action>
    </details>
  );
}

function Post({ operationId }: { operationId: string }) {
  const words = t();
  const [body, setBody] = useState('');
  const [, post] = useMutation(POST);
  return (
    <Action
      class="post"
      label={words.opPost}
      send={async () => {
        const result = await post({ operationId, body: body.trim() });
        const refusal = refusalOf(
          result,
          result.data?.postOperationMessage,
          'PostOperationMessageSuccess',
        );
        if (refusal === null) setBody('');
        return refusal;
      }}
    >
      <Field label={words.opMessageField} value={body} onInput={setBody} long required />
    </Action>
  );
}

function Comment({ taskId }: { taskId: string }) {
  const words = t();
  const [body, setBody] = useState('');
  const [, comment] = useMutation(COMMENT);
  return (
    <details class="op-more">
      <summary>{words.opComment}</summary>
      <Action
        label={words.opComment}
        send={async () => {
          const result = await comment({ taskId, body: body.trim() });
          const refusal = refusalOf(result, result.data?.commentOnTask, 'CommentOnTaskSuccess');
          if (refusal === null) setBody('');
          return refusal;
        }}
      >
        <Field label={words.opComments} value={body} onInput={setBody} long required />
      </Action>
    </details>
  );
}

type TaskStatusValue = EnumOf<'TaskStatus'>;
const TASK_STATUSES: TaskStatusValue[] = ['OPEN', 'IN_PROGRESS', 'BLOCKED', 'DONE'];

/** The assignee agency (or the lead) moves a task on and says what came of it. */
function TaskStatus(props: {
  task: { id: string; status: TaskStatusValue; outcome: string | null };
}) {
  const { task } = props;
  const words = t();
  const [status, setStatus] = useState<TaskStatusValue>(task.status);
  const [outcome, setOutcome] = useState(task.outcome ?? '');
  const [, update] = useMutation(UPDATE_TASK);
  return (
    <details class="op-more">
      <summary>{words.opTaskUpdate}</summary>
      <Action
        class="task-status"
        label={words.opTaskUpdate}
        send={async () => {
          const result = await update({
            id: task.id,
            input: { status, outcome: outcome.trim() || null },
          });
          return refusalOf(result, result.data?.updateTask, 'UpdateTaskSuccess');
        }}
      >
        <label>
          {words.opStatus}
          <select
            value={status}
            onChange={(e) => setStatus((e.target as HTMLSelectElement).value as TaskStatusValue)}
          >
            {TASK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {valueName(lang.value, s)}
              </option>
            ))}
          </select>
        </label>
        <Field label={words.opOutcome} value={outcome} onInput={setOutcome} long />
      </Action>
    </details>
  );
}

function NewTask(props: { operation: Operation; agencies: Workspace['participants'] }) {
  const words = t();
  const [title, setTitle] = useState('');
  const [agencyId, setAgencyId] = useState('');
  const [due, setDue] = useState('');
  const [, create] = useMutation(CREATE_TASK);
  return (
    <details class="op-more">
      <summary>{words.opNewTask}</summary>
      <Action
        class="new-task"
        label={words.opNewTask}
        send={async () => {
          const result = await create({
            operationId: props.operation.id,
            input: {
              title: title.trim(),
              assigneeAgencyId: agencyId,
              dueAt: due ? new Date(`${due}T17:00:00`).toISOString() : null,
            },
          });
          return refusalOf(result, result.data?.createTask, 'CreateTaskSuccess');
        }}
      >
        <Field label={words.opTitleField} value={title} onInput={setTitle} required />
        <label>
          {words.opAssignee}
          <select
            value={agencyId}
            required
            onChange={(e) => setAgencyId((e.target as HTMLSelectElement).value)}
          >
            <option value="" />
            {props.agencies.map((p) => (
              <option key={p.agency.id} value={p.agency.id}>
                {p.agency.name}
              </option>
            ))}
          </select>
        </label>
        <Field label={words.opDue} value={due} onInput={setDue} type="date" />
      </Action>
    </details>
  );
}

const CURRENCIES = ['CNY', 'HKD', 'MOP', 'MYR', 'SGD', 'THB', 'IDR', 'PHP', 'VND', 'USD', 'EUR'];
const UNITS: EnumOf<'QuantityUnit'>[] = [
  'PIECE',
  'PAIR',
  'SET',
  'CARTON',
  'KILOGRAM',
  'LITRE',
  'CONTAINER',
];
const POINTS: EnumOf<'DetectionPoint'>[] = [
  'COURIER_HUB',
  'POSTAL_CENTRE',
  'CONTAINER_TERMINAL',
  'LAND_CROSSING',
  'AIRPORT',
  'SEAPORT',
  'WAREHOUSE',
  'FACTORY',
  'RETAIL_PREMISES',
  'MARKETPLACE',
  'ONLINE',
  'OTHER',
];

/** A select of schema values, named in the reader's language. */
function Choice<Value extends string>(props: {
  label: string;
  value: Value;
  values: readonly Value[];
  name: (value: Value) => string;
  onChange: (value: Value) => void;
}) {
  return (
    <label>
      {props.label}
      <select
        value={props.value}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value as Value)}
      >
        {props.values.map((v) => (
          <option key={v} value={v}>
            {props.name(v)}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * A result of the reader's agency: a seizure (category, quantity and unit, where it was found,
 * and its estimated market value in one currency), or a count of arrests, cases, takedowns…
 */
function Record(props: {
  operationId: string;
  /** The result this one corrects (a correction says why, and supersedes it). */
  correcting?: { id: string; kind: EnumOf<'ResultKind'> };
}) {
  const { operationId, correcting } = props;
  const words = t();
  const l = lang.value;
  const [kind, setKind] = useState<EnumOf<'ResultKind'>>(correcting?.kind ?? 'SEIZURE');
  const [reason, setReason] = useState('');
  const [, correct] = useMutation(CORRECT);
  const [count, setCount] = useState('1');
  const [category, setCategory] = useState<EnumOf<'ProductCategory'>>('OTHER');
  const [quantity, setQuantity] = useState('');
  const [unit, setUnit] = useState<EnumOf<'QuantityUnit'>>('PIECE');
  const [point, setPoint] = useState<EnumOf<'DetectionPoint'>>('COURIER_HUB');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('CNY');
  const [description, setDescription] = useState('');
  const [, record] = useMutation(RECORD);
  const seizure = kind === 'SEIZURE';
  return (
    <details class={correcting ? 'op-more' : 'panel op-more'}>
      <summary>{correcting ? words.opCorrect : words.opRecord}</summary>
      <Action
        class={correcting ? 'correct' : 'record'}
        label={correcting ? words.opCorrect : words.opRecord}
        send={async () => {
          const input: VariablesOf<typeof RECORD>['input'] = seizure
            ? {
                kind,
                productCategory: category,
                quantity: quantity.trim(),
                unit,
                detectionPoint: point,
                marketValue: amount.trim()
                  ? {
                      amount: amount.trim(),
                      currency,
                      valuationDate: new Date().toISOString(),
                    }
                  : null,
                description: description.trim() || null,
              }
            : { kind, count: Number(count), description: description.trim() || null };
          if (correcting) {
            const result = await correct({ id: correcting.id, input, reason: reason.trim() });
            return refusalOf(result, result.data?.correctResult, 'CorrectResultSuccess');
          }
          const result = await record({ operationId, input });
          return refusalOf(result, result.data?.recordResult, 'RecordResultSuccess');
        }}
      >
        <Choice
          label={words.opKind}
          value={kind}
          values={['SEIZURE', ...COUNTED]}
          name={(v) => valueName(l, v)}
          onChange={setKind}
        />
        {seizure ? (
          <>
            <Choice
              label={words.opCategory}
              value={category}
              values={CATEGORIES}
              name={(v) => categoryName(l, v)}
              onChange={setCategory}
            />
            <Field label={words.opQuantity} value={quantity} onInput={setQuantity} required />
            <Choice
              label={words.opUnit}
              value={unit}
              values={UNITS}
              name={(v) => valueName(l, v)}
              onChange={setUnit}
            />
            <Choice
              label={words.opWhere}
              value={point}
              values={POINTS}
              name={(v) => valueName(l, v)}
              onChange={setPoint}
            />
            <Field label={words.opValue} value={amount} onInput={setAmount} />
            <Choice
              label={words.opCurrency}
              value={currency}
              values={CURRENCIES}
              name={(v) => v}
              onChange={setCurrency}
            />
          </>
        ) : (
          <Field label={words.opCount} value={count} onInput={setCount} type="number" required />
        )}
        <Field label={words.opDescription} value={description} onInput={setDescription} />
        {correcting ? (
          <Field label={words.opCorrectReason} value={reason} onInput={setReason} required />
        ) : null}
      </Action>
    </details>
  );
}

/** Bold spans of a line of the report's Markdown. */
function inline(text: string): ComponentChildren {
  return text
    .split(/\*\*(.+?)\*\*/)
    .map((part, i) => (i % 2 === 1 ? <strong>{part}</strong> : part));
}

/**
 * The after-action report's Markdown as the server writes it (headings, lists, tables and
 * paragraphs), shown as elements; nothing of it is ever treated as HTML.
 */
function Markdown({ text }: { text: string }) {
  const blocks: ComponentChildren[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const heading = /^(#{1,3}) (.*)$/.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      const Tag = level === 1 ? 'h3' : level === 2 ? 'h4' : 'h5';
      blocks.push(<Tag key={i}>{inline(heading[2] ?? '')}</Tag>);
      i++;
    } else if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && (lines[i] ?? '').startsWith('|')) {
        const cells = (lines[i] ?? '')
          .slice(1, -1)
          .split(' | ')
          .map((c) => c.trim());
        if (!cells.every((c) => /^-+$/.test(c))) rows.push(cells);
        i++;
      }
      const [head, ...body] = rows;
      blocks.push(
        <div class="table-scroll" key={i}>
          <table>
            <thead>
              <tr>
                {(head ?? []).map((c) => (
                  <th key={c} scope="col">
                    {inline(c)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {body.map((row, r) => (
                <tr key={r}>
                  {row.map((c, k) => (
                    <td key={k}>{inline(c)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>,
      );
    } else if (/^\s*- /.test(line)) {
      const items: { depth: number; text: string }[] = [];
      while (i < lines.length && /^\s*- /.test(lines[i] ?? '')) {
        const item = /^(\s*)- (.*)$/.exec(lines[i] ?? '');
        items.push({ depth: (item?.[1]?.length ?? 0) > 0 ? 1 : 0, text: item?.[2] ?? '' });
        i++;
      }
      blocks.push(
        <ul key={i}>
          {items.map((item, k) => (
            <li key={k} class={item.depth ? 'sub' : undefined}>
              {inline(item.text)}
            </li>
          ))}
        </ul>,
      );
    } else if (line.trim() === '') {
      i++;
    } else {
      blocks.push(<p key={i}>{inline(line)}</p>);
      i++;
    }
  }
  return <>{blocks}</>;
}

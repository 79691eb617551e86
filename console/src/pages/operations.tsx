import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import type { Me } from '../app.tsx';
import { graphql, type ResultOf } from '../graphql.ts';
import { lang, t } from '../i18n.ts';
import { MARKINGS, type Marking, markingName, PHASES, phaseName, valueName } from '../labels.ts';
import { problemOfResult, Read } from '../read.tsx';
import { day } from '../time.ts';
import { Tlp } from '../tlp.tsx';
import { AnswerInvitation, answeredNotice } from './operation.tsx';

// Joint operations for coordinators and analysts: invitations their agency has to answer, the
// tasks assigned to them, their agency's operations by phase, and the after-action report once an
// operation is in evaluation.

const OPERATIONS = graphql(`
  query ConsoleOperations {
    operations(first: 50) {
      edges { node { id codeName title phase tlp plannedStart
        leadAgency { name }
        myParticipation { status }
        workspace { tasks { id title status dueAt assigneeUser { id } } } } }
    }
  }
`);
const PROPOSE = graphql(`
  mutation ConsoleProposeOperation($input: OperationInput!) {
    proposeOperation(input: $input) {
      __typename
      ... on ProposeOperationSuccess { operation { id codeName } }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
type Operation = ResultOf<typeof OPERATIONS>['operations']['edges'][number]['node'];

export function OperationsPage({ me }: { me: Me }) {
  const words = t();
  // An answer's notice is said once, on this visit of the list.
  useEffect(
    () => () => {
      answeredNotice.value = null;
    },
    [],
  );
  const [result, reexecute] = useQuery({ query: OPERATIONS });
  return (
    <section aria-labelledby="operations-title">
      <h1 id="operations-title">{words.operations}</h1>
      <Read result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) => <Operations operations={data.operations.edges.map((e) => e.node)} me={me} />}
      </Read>
    </section>
  );
}

function Operations({ operations, me }: { operations: Operation[]; me: Me }) {
  const words = t();
  const meId = me.id;
  // Invitations are answered by the agency's coordinators; others see them, without buttons.
  const mayAnswer = me.roles.includes('COORDINATOR') || me.roles.includes('NETWORK_ADMIN');
  const invitations = operations.filter((o) => o.myParticipation?.status === 'PENDING');
  const mine = operations.flatMap((o) =>
    (o.workspace?.tasks ?? [])
      .filter((task) => task.assigneeUser?.id === meId)
      .map((task) => ({ task, operation: o })),
  );
  const ours = operations.filter((o) => o.myParticipation?.status !== 'PENDING');
  return (
    <>
      {answeredNotice.value ? (
        <p class="notice" role="status">
          {answeredNotice.value}
        </p>
      ) : null}
      {mayAnswer ? <Propose /> : null}
      <div class="panel invitations">
        <h2>{words.invitations}</h2>
        {invitations.length === 0 ? <p class="empty">{words.noInvitations}</p> : null}
        <ul class="reports">
          {invitations.map((o) => (
            <li key={o.id} data-operation={o.codeName}>
              <a href={operationHref(o.id)}>
                {o.codeName}: {o.title}
              </a>
              <span class="meta">
                <Tlp tlp={o.tlp} /> {words.lead}: {o.leadAgency.name}
              </span>
              {mayAnswer ? <AnswerInvitation operationId={o.id} codeName={o.codeName} /> : null}
            </li>
          ))}
        </ul>
      </div>
      <div class="panel tasks">
        <h2>{words.myTasks}</h2>
        {mine.length === 0 ? <p class="empty">{words.noTasks}</p> : null}
        <ul class="reports">
          {mine.map(({ task, operation }) => (
            <li key={task.id}>
              <strong>{task.title}</strong>
              <span class="meta">
                <a href={operationHref(operation.id)}>{operation.codeName}</a> ·{' '}
                {valueName(lang.value, task.status)}
                {task.dueAt ? ` · ${words.due} ${day(task.dueAt)}` : ''}
              </span>
            </li>
          ))}
        </ul>
      </div>
      <h2>{words.byPhase}</h2>
      <div class="figures">
        {PHASES.map((phase) => {
          const inPhase = ours.filter((o) => o.phase === phase);
          if (inPhase.length === 0) return null;
          return (
            <article class="card figure" key={phase} data-phase={phase}>
              <h3>
                {phaseName(lang.value, phase)} ({inPhase.length})
              </h3>
              <ul class="reports">
                {inPhase.map((o) => (
                  <li key={o.id}>
                    <a href={operationHref(o.id)}>
                      {o.codeName}: {o.title}
                    </a>
                    <span class="meta">
                      <Tlp tlp={o.tlp} /> {words.lead}: {o.leadAgency.name} · {day(o.plannedStart)}
                    </span>
                    {o.phase === 'EVALUATION' || o.phase === 'CLOSED' ? (
                      <a
                        href={`/operations/${encodeURIComponent(o.id)}/after-action.md?locale=${lang.value}`}
                      >
                        {words.afterAction}
                      </a>
                    ) : null}
                  </li>
                ))}
              </ul>
            </article>
          );
        })}
      </div>
    </>
  );
}

const operationHref = (id: string) => `#operation/${encodeURIComponent(id)}`;

/** Time zones of the network's agencies, the reader's own first. */
const ZONES = [
  ...new Set([
    Intl.DateTimeFormat().resolvedOptions().timeZone,
    'Asia/Shanghai',
    'Asia/Hong_Kong',
    'Asia/Macau',
    'Asia/Singapore',
    'Asia/Kuala_Lumpur',
    'Asia/Bangkok',
    'Asia/Jakarta',
    'Asia/Manila',
    'Asia/Ho_Chi_Minh',
    'Asia/Tokyo',
    'Asia/Seoul',
    'Europe/Lisbon',
    'UTC',
  ]),
];

/** A coordinator proposes an operation; their agency leads it. Its page opens once it exists. */
function Propose() {
  const words = t();
  const [codeName, setCodeName] = useState('');
  const [title, setTitle] = useState('');
  const [objective, setObjective] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [timeZone, setTimeZone] = useState(ZONES[0] ?? 'UTC');
  const [tlp, setTlp] = useState<Marking>('AMBER');
  const [problem, setProblem] = useState<string | null>(null);
  const [, propose] = useMutation(PROPOSE);
  const text = (set: (value: string) => void) => (event: Event) =>
    set((event.target as HTMLInputElement).value);
  return (
    <details class="panel op-more propose">
      <summary>{words.opPropose}</summary>
      <p class="hint">{words.opProposeIntro}</p>
      <form
        class="op-form"
        onSubmit={async (event) => {
          event.preventDefault();
          setProblem(null);
          const result = await propose({
            input: {
              codeName: codeName.trim(),
              title: title.trim(),
              objective: objective.trim(),
              plannedStart: start ? new Date(`${start}T00:00:00`).toISOString() : '',
              plannedEnd: end ? new Date(`${end}T23:59:00`).toISOString() : '',
              timeZone,
              tlp,
            },
          });
          const answer = result.data?.proposeOperation;
          if (answer?.__typename === 'ProposeOperationSuccess') {
            window.location.hash = operationHref(answer.operation.id);
          } else setProblem(problemOfResult(result, answer));
        }}
      >
        <label>
          {words.opCodeName}
          <input type="text" value={codeName} onInput={text(setCodeName)} required />
        </label>
        <label>
          {words.opTitleField}
          <input type="text" value={title} onInput={text(setTitle)} required />
        </label>
        <label>
          {words.opObjective}
          <textarea value={objective} onInput={text(setObjective)} required rows={3} />
        </label>
        <label>
          {words.opStart}
          <input type="date" value={start} onInput={text(setStart)} required />
        </label>
        <label>
          {words.opEnd}
          <input type="date" value={end} onInput={text(setEnd)} required />
        </label>
        <label>
          {words.opTimeZone}
          <select value={timeZone} onChange={text(setTimeZone)}>
            {ZONES.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        </label>
        <label>
          {words.opMarking}
          <select
            value={tlp}
            onChange={(e) => setTlp((e.target as HTMLSelectElement).value as Marking)}
          >
            {MARKINGS.map((m) => (
              <option key={m} value={m}>
                {markingName(m)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{words.opPropose}</button>
        {problem ? (
          <p class="problem" role="alert">
            {problem}
          </p>
        ) : null}
      </form>
    </details>
  );
}

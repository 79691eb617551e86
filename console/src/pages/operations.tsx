import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import type { Me } from '../app.tsx';
import { graphql, type ResultOf } from '../graphql.ts';
import { lang, t } from '../i18n.ts';
import { PHASES, phaseName, valueName } from '../labels.ts';
import { problemOfResult, Read } from '../read.tsx';
import { day } from '../time.ts';
import { Tlp } from '../tlp.tsx';

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
const RESPOND = graphql(`
  mutation ConsoleRespond($operationId: ID!, $answer: InvitationAnswer!) {
    respondToInvitation(operationId: $operationId, answer: $answer) {
      __typename
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
type Operation = ResultOf<typeof OPERATIONS>['operations']['edges'][number]['node'];

export function OperationsPage({ me }: { me: Me }) {
  const words = t();
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
  const [problem, setProblem] = useState<string | null>(null);
  const [, respondTo] = useMutation(RESPOND);
  const respond = async (operationId: string, answer: 'ACCEPT' | 'DECLINE') => {
    setProblem(null);
    const result = await respondTo({ operationId, answer });
    const outcome = result.data?.respondToInvitation;
    if (outcome?.__typename !== 'RespondToInvitationSuccess') {
      setProblem(problemOfResult(result, outcome));
    }
  };
  const invitations = operations.filter((o) => o.myParticipation?.status === 'PENDING');
  const mine = operations.flatMap((o) =>
    (o.workspace?.tasks ?? [])
      .filter((task) => task.assigneeUser?.id === meId)
      .map((task) => ({ task, operation: o })),
  );
  const ours = operations.filter((o) => o.myParticipation?.status !== 'PENDING');
  return (
    <>
      {problem ? (
        <p class="problem" role="alert">
          {problem}
        </p>
      ) : null}
      <div class="panel invitations">
        <h2>{words.invitations}</h2>
        {invitations.length === 0 ? <p class="empty">{words.noInvitations}</p> : null}
        <ul class="reports">
          {invitations.map((o) => (
            <li key={o.id} data-operation={o.codeName}>
              <strong>
                {o.codeName}: {o.title}
              </strong>
              <span class="meta">
                <Tlp tlp={o.tlp} /> {words.lead}: {o.leadAgency.name}
              </span>
              {mayAnswer ? (
                <div class="actions">
                  <button type="button" onClick={() => respond(o.id, 'ACCEPT')}>
                    {words.accept}
                  </button>
                  <button type="button" onClick={() => respond(o.id, 'DECLINE')}>
                    {words.decline}
                  </button>
                </div>
              ) : null}
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
                {operation.codeName} · {valueName(lang.value, task.status)}
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
                    <strong>
                      {o.codeName}: {o.title}
                    </strong>
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

import { useEffect, useState } from 'preact/hooks';
import { api, problemOf } from '../api.ts';
import { graphql, type ResultOf } from '../graphql.ts';
import { lang, t } from '../i18n.ts';
import { phaseName, valueName } from '../labels.ts';
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
const PHASES = ['PROPOSED', 'PREPARATION', 'ACTION', 'EVALUATION', 'CLOSED', 'CANCELLED'] as const;

export function OperationsPage({ meId }: { meId: string }) {
  const words = t();
  const [operations, setOperations] = useState<Operation[] | null>(null);
  const [version, setVersion] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void api
      .query(OPERATIONS, {})
      .toPromise()
      .then((r) => setOperations(r.data?.operations.edges.map((e) => e.node) ?? []));
  }, [version]);
  const respond = async (operationId: string, answer: 'ACCEPT' | 'DECLINE') => {
    const result = await api.mutation(RESPOND, { operationId, answer }).toPromise();
    const outcome = result.data?.respondToInvitation;
    if (outcome?.__typename === 'RespondToInvitationSuccess') return setVersion((v) => v + 1);
    setProblem(problemOf(outcome, words.error));
  };
  if (!operations) return null;
  const invitations = operations.filter((o) => o.myParticipation?.status === 'PENDING');
  const mine = operations.flatMap((o) =>
    (o.workspace?.tasks ?? [])
      .filter((task) => task.assigneeUser?.id === meId)
      .map((task) => ({ task, operation: o })),
  );
  const ours = operations.filter((o) => o.myParticipation?.status !== 'PENDING');
  return (
    <section aria-labelledby="operations-title">
      <h1 id="operations-title">{words.operations}</h1>
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
              <div class="actions">
                <button type="button" onClick={() => respond(o.id, 'ACCEPT')}>
                  {words.accept}
                </button>
                <button type="button" onClick={() => respond(o.id, 'DECLINE')}>
                  {words.decline}
                </button>
              </div>
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
                {task.dueAt
                  ? ` · ${words.due} ${new Date(task.dueAt).toLocaleDateString(lang.value)}`
                  : ''}
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
                      <Tlp tlp={o.tlp} /> {words.lead}: {o.leadAgency.name} ·{' '}
                      {new Date(o.plannedStart).toLocaleDateString(lang.value)}
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
    </section>
  );
}

import { useState } from 'preact/hooks';
import { t } from './i18n.ts';

export type Decision = 'APPROVE' | 'DECLINE';

/**
 * Approve, or decline with a reason: the controls of every decision the console offers
 * (registrations at the desk, access requests for the agency's reports). `decide` sends it and
 * answers the problem to show, or null once it is decided.
 */
export function DecideControls({
  reasonLabel,
  decide,
}: {
  reasonLabel: string;
  decide: (decision: Decision, reason: string | null) => Promise<string | null>;
}) {
  const words = t();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const send = async (decision: Decision) =>
    setProblem(await decide(decision, reason.trim() || null));
  return (
    <>
      <div class="actions">
        <button type="button" onClick={() => send('APPROVE')}>
          {words.approve}
        </button>
        <label>
          {reasonLabel}
          <input
            type="text"
            value={reason}
            onInput={(e) => setReason((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="button" onClick={() => send('DECLINE')}>
          {words.decline}
        </button>
      </div>
      {problem ? (
        <p class="problem" role="alert">
          {problem}
        </p>
      ) : null}
    </>
  );
}

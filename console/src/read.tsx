import type { CombinedError } from '@urql/core';
import type { JSX } from 'preact';
import { t } from './i18n.ts';

// Every read has three visible states: loading, an error a person can act on, and what it
// found (each page says what an empty answer means). A failed read is never shown as an empty
// list, and while a newer answer is on its way the last one stays in view.

/** What went wrong, in words: the server's message, or that it could not be reached. */
export function reasonOf(error: CombinedError): string {
  const words = t();
  if (error.networkError) return words.offline;
  return error.graphQLErrors.map((e) => e.message).join('; ') || words.error;
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t().loading}
    </p>
  );
}

export function LoadFailed(props: { error: CombinedError; onRetry: () => void }) {
  const words = t();
  return (
    <div class="load-failed" role="alert">
      <p>{words.loadFailed(reasonOf(props.error))}</p>
      <button type="button" onClick={props.onRetry}>
        {words.retry}
      </button>
    </div>
  );
}

/**
 * A query's answer, or its loading or error state. `retry` asks the server again (the hook's
 * reexecute with `network-only`).
 */
export function Read<Data>(props: {
  result: { data?: Data; error?: CombinedError; fetching: boolean };
  retry: () => void;
  children: (data: Data) => JSX.Element | null;
}) {
  const { data, error } = props.result;
  if (error) return <LoadFailed error={error} onRetry={props.retry} />;
  if (data === undefined || data === null) return <Loading />;
  return props.children(data);
}

/** The problem to show for a mutation's answer: its refusal, or the request's own failure. */
export function problemOfResult(
  result: { error?: CombinedError },
  answer: object | null | undefined,
): string {
  if (result.error) return reasonOf(result.error);
  const { issues, message } = (answer ?? {}) as {
    issues?: { message: string }[];
    message?: string;
  };
  return issues?.map((issue) => issue.message).join('; ') ?? message ?? t().error;
}

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isRefusedAddress } from '../../outbound-address.js';
import { webhookAgent } from './webhook-target.js';

// One POST of a delivery, through the agent that refuses internal addresses at connection time.
// Redirects are never followed (a 3xx is a failed attempt), so a receiver cannot bounce the call
// to an address that was not checked.

export type FailureKind = 'refused' | 'timeout' | 'unresolved' | 'connection' | 'tls' | 'http';

export interface Failure {
  kind: FailureKind;
  status: number | null;
  /** What the network or the receiver said: for the log, and for clients outside production. */
  detail: string;
}

export type Outcome =
  | { ok: true; status: number }
  | { ok: false; status: number | null; failure: Failure };

function classify(error: Error & { code?: string }): Failure {
  if (isRefusedAddress(error)) return { kind: 'refused', status: null, detail: error.message };
  const code = error.code ?? '';
  const detail = `${code ? `${code}: ` : ''}${error.message}`.slice(0, 500);
  if (error.name === 'TimeoutError' || error.name === 'AbortError' || code === 'ABORT_ERR') {
    return { kind: 'timeout', status: null, detail };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { kind: 'unresolved', status: null, detail };
  if (/CERT|SSL|TLS|ERR_TLS/.test(code)) return { kind: 'tls', status: null, detail };
  return { kind: 'connection', status: null, detail };
}

export function postDelivery(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<Outcome> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const request = send(
      url,
      {
        method: 'POST',
        agent: webhookAgent(url),
        headers: { ...headers, 'content-length': Buffer.byteLength(body).toString() },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume(); // the answer's body is not read: only its status counts
        if (status >= 200 && status < 300) resolve({ ok: true, status });
        else {
          const failure: Failure = { kind: 'http', status, detail: `HTTP ${status}` };
          resolve({ ok: false, status, failure });
        }
      },
    );
    request.on('error', (error) => resolve({ ok: false, status: null, failure: classify(error) }));
    request.end(body);
  });
}

const GENERIC: Record<Exclude<FailureKind, 'http'>, string> = {
  refused:
    'not sent: the address is internal (private, loopback or link-local) and not allowed by the server operator',
  timeout: 'no answer in time',
  unresolved: 'the host name does not resolve',
  connection: 'could not connect to the receiver',
  tls: 'the TLS handshake failed (certificate or protocol)',
};

const HTTP_CLASSES: Record<number, string> = {
  3: 'a redirect, which is not followed',
  4: 'the receiver refused the delivery',
  5: 'the receiver failed',
};

/**
 * The reason kept on the delivery record. In production: the status class and a generic
 * reason; elsewhere the detail is added, for integrators setting up a receiver.
 */
export function describeFailure(failure: Failure, production: boolean): string {
  const generic =
    failure.kind === 'http'
      ? `HTTP ${Math.floor((failure.status ?? 0) / 100)}xx: ${HTTP_CLASSES[Math.floor((failure.status ?? 0) / 100)] ?? 'an unexpected answer'}`
      : GENERIC[failure.kind];
  return production || failure.kind === 'http' ? generic : `${generic} (${failure.detail})`;
}

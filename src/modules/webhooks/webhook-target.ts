import type { Agent } from 'node:http';
import { config } from '../../config.js';
import { OutboundRule } from '../../outbound-address.js';

// Where webhooks may be sent: public addresses only, checked when the endpoint is registered or
// changed and again on every send, on the address the socket connects to (src/outbound-address.ts);
// operators allow their agencies' own receivers with WEBHOOK_ALLOWED_HOSTS.

export const TARGET_REFUSED =
  'points to a private, loopback, link-local or otherwise internal address; receivers on an agency network must be allowed by the server operator (WEBHOOK_ALLOWED_HOSTS)';

const rule = new OutboundRule(() => config().WEBHOOK_ALLOWED_HOSTS, TARGET_REFUSED);

/** Why the endpoint may not be called, or null. */
export function webhookTargetProblem(value: string): Promise<string | null> {
  return rule.problem(new URL(value));
}

/** The agent for sending to `url`: it refuses, at connection time, any address not allowed. */
export function webhookAgent(url: URL): Agent {
  return rule.agent(url);
}

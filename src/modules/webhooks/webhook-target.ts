import { lookup } from 'node:dns/promises';
import type { Agent } from 'node:http';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { config } from '../../config.js';
import { type AllowedTargets, isAllowedAddress, parseAllowedTargets } from './webhook-allowlist.js';

// Where webhooks may be sent. A webhook makes this server call an address an agency admin typed,
// so it must never be a way into the server's own network: loopback, private ranges, link-local
// (cloud metadata at 169.254.169.254), unique-local IPv6, IPv4-mapped forms and the like are
// refused, whether written as an address (any numeric form: the URL parser normalises
// `2130706433` and `0x7f.1` to `127.0.0.1`) or reached through a name. The check is made when the
// endpoint is registered or changed, and again on every send, on the very address the socket
// connects to (request-filtering-agent checks inside the connection's own DNS lookup), so a name
// that resolves elsewhere later (DNS rebinding) is caught. Operators allow their agencies' own
// receivers with WEBHOOK_ALLOWED_HOSTS: names, addresses or CIDR ranges.

let parsed: AllowedTargets | undefined;

/** WEBHOOK_ALLOWED_HOSTS, parsed once (the configuration is read once, at start). */
function allowedTargets(): AllowedTargets {
  parsed ??= parseAllowedTargets(config().WEBHOOK_ALLOWED_HOSTS);
  return parsed;
}

/** The host of a URL as the resolver sees it: lower case, IPv6 without brackets, no root dot. */
function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '')
    .toLowerCase();
}

export const TARGET_REFUSED =
  'points to a private, loopback, link-local or otherwise internal address; receivers on an agency network must be allowed by the server operator (WEBHOOK_ALLOWED_HOSTS)';

/**
 * Why the endpoint may not be called, or null. A name that does not resolve now is let through
 * here: it cannot be called today, and every send checks the address it connects to.
 */
export async function webhookTargetProblem(value: string): Promise<string | null> {
  const url = new URL(value);
  const host = hostOf(url);
  const targets = allowedTargets();
  if (targets.hosts.has(host)) return null;
  if (isIP(host)) return isAllowedAddress(host, targets) ? null : TARGET_REFUSED;
  let resolved: { address: string }[];
  try {
    resolved = await Promise.race([
      lookup(host, { all: true, verbatim: true }),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('timeout')), 3000).unref(),
      ),
    ]);
  } catch {
    return null;
  }
  return resolved.every((r) => isAllowedAddress(r.address, targets)) ? null : TARGET_REFUSED;
}

const agents = new Map<string, Agent>();

/** The agent for sending to `url`: it refuses, at connection time, any address not allowed. */
export function webhookAgent(url: URL): Agent {
  const targets = allowedTargets();
  const allowedByName = targets.hosts.has(hostOf(url));
  const key = `${url.protocol}${allowedByName ? hostOf(url) : ''}`;
  let agent = agents.get(key);
  if (!agent) {
    const options = {
      keepAlive: false,
      allowPrivateIPAddress: allowedByName,
      allowMetaIPAddress: false,
      allowIPAddressList: [...targets.addresses],
    };
    agent =
      url.protocol === 'https:'
        ? new RequestFilteringHttpsAgent(options)
        : new RequestFilteringHttpAgent(options);
    agents.set(key, agent);
  }
  return agent;
}

/** request-filtering-agent's refusal of an address, as opposed to a network failure. */
export function isRefusedAddress(error: unknown): boolean {
  return error instanceof Error && /is not allowed\. Because/.test(error.message);
}

export function isLoopbackHost(url: URL): boolean {
  const host = hostOf(url);
  if (host === 'localhost') return true;
  try {
    return ipaddr.parse(host).range() === 'loopback';
  } catch {
    return false;
  }
}

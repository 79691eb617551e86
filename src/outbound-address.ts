import { lookup } from 'node:dns/promises';
import type { Agent } from 'node:http';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

// Where this server may send a request that someone else chose the address of: webhooks (an
// agency admin types the receiver) and single sign-on (an agency admin types the issuer, whose
// discovery document then names the token, userinfo and key endpoints). None may be a way into
// the server's own network: loopback, private ranges, link-local (cloud metadata at
// 169.254.169.254), unique-local IPv6, IPv4-mapped forms and the like are refused, whether written
// as an address (any numeric form: the URL parser normalises `2130706433` and `0x7f.1` to
// `127.0.0.1`) or reached through a name. The address is checked when it is typed, and again on
// every request, on the very address the socket connects to (request-filtering-agent checks
// inside the connection's own DNS lookup), so a name that resolves elsewhere later (DNS rebinding)
// is caught. Operators allow their agencies' internal hosts by configuration, one list per use
// (WEBHOOK_ALLOWED_HOSTS, SSO_ALLOWED_HOSTS): names, addresses or CIDR ranges. No configuration is
// read here: config.ts checks each list with `parseAllowedTargets` when the server starts.

export interface AllowedTargets {
  hosts: ReadonlySet<string>;
  /** Addresses and CIDR ranges, as request-filtering-agent reads them. */
  addresses: readonly string[];
}

/** Parses an allow-list; throws naming the entry that is neither a host nor a range. */
export function parseAllowedTargets(value: string): AllowedTargets {
  const hosts = new Set<string>();
  const addresses: string[] = [];
  for (const entry of value
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)) {
    if (ipaddr.isValid(entry)) addresses.push(entry);
    else if (entry.includes('/')) {
      ipaddr.parseCIDR(entry); // throws on a malformed range
      addresses.push(entry);
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) {
      hosts.add(entry);
    } else {
      throw new Error(`"${entry}" is neither a host name, an address nor a CIDR range`);
    }
  }
  return { hosts, addresses };
}

/** Public unicast addresses only, unless the operator allowed the address or its range. */
export function isAllowedAddress(address: string, targets: AllowedTargets): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return false;
  }
  const listed = targets.addresses.some((entry) => {
    if (!entry.includes('/')) return ipaddr.parse(entry).toString() === parsed.toString();
    const range = ipaddr.parseCIDR(entry);
    return parsed.kind() === range[0].kind() && parsed.match(range);
  });
  return listed || parsed.range() === 'unicast';
}

/** The host of a URL as the resolver sees it: lower case, IPv6 without brackets, no root dot. */
export function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '')
    .toLowerCase();
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

/** request-filtering-agent's refusal of an address, as opposed to a network failure. */
export function isRefusedAddress(error: unknown): boolean {
  return error instanceof Error && /is not allowed\. Because/.test(error.message);
}

/** The rule for one use, with its own allow-list (read once, when first needed). */
export class OutboundRule {
  private parsed: AllowedTargets | undefined;
  private readonly agents = new Map<string, Agent>();

  constructor(
    private readonly allowList: () => string,
    /** What a refused address is told, naming the variable that would allow it. */
    readonly refusal: string,
  ) {}

  private targets(): AllowedTargets {
    this.parsed ??= parseAllowedTargets(this.allowList());
    return this.parsed;
  }

  /**
   * Why `url` may not be called, or null. A name that does not resolve now is let through here:
   * it cannot be called today, and every request checks the address it connects to.
   */
  async problem(url: URL): Promise<string | null> {
    const host = hostOf(url);
    const targets = this.targets();
    if (targets.hosts.has(host)) return null;
    if (isIP(host)) return isAllowedAddress(host, targets) ? null : this.refusal;
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
    return resolved.every((r) => isAllowedAddress(r.address, targets)) ? null : this.refusal;
  }

  /** The agent for a request to `url`: it refuses, at connection time, any address not allowed. */
  agent(url: URL): Agent {
    const targets = this.targets();
    const allowedByName = targets.hosts.has(hostOf(url));
    const key = `${url.protocol}${allowedByName ? hostOf(url) : ''}`;
    let agent = this.agents.get(key);
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
      this.agents.set(key, agent);
    }
    return agent;
  }
}

import ipaddr from 'ipaddr.js';

// The operator's exceptions to the rule that webhooks reach public addresses only
// (WEBHOOK_ALLOWED_HOSTS), and the rule itself. No configuration is read here: config.ts checks
// the variable with `parseAllowedTargets` when the server starts.

export interface AllowedTargets {
  hosts: ReadonlySet<string>;
  /** Addresses and CIDR ranges, as request-filtering-agent reads them. */
  addresses: readonly string[];
}

/** Parses WEBHOOK_ALLOWED_HOSTS; throws naming the entry that is neither a host nor a range. */
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

import { config } from './config.js';

// The address people reach the server at, for links that leave it (e-mails, the OpenID Connect
// redirect). PUBLIC_URL when set; outside production, the address the server listens on. Never
// a request's Host header, which a caller chooses: a reset link built on it could point anywhere.

let listeningBase: string | null = null;

export function rememberListeningAddress(base: string): void {
  listeningBase = base;
}

/** The public base URL without a trailing slash, or null when none is known (production without PUBLIC_URL). */
export function publicUrl(): string | null {
  const cfg = config();
  return cfg.PUBLIC_URL ?? (cfg.NODE_ENV === 'production' ? null : listeningBase);
}

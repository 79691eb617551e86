import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../context.js';
import { isUniqueViolation, prisma } from '../../db.js';
import { ConflictError } from '../../errors.js';
import type { ApiCredential } from '../../generated/prisma/client.js';
import type { ApiScope, Region, Tlp } from '../../generated/prisma/enums.js';
import { isUuid } from '../../input-guard.js';
import { hashSecret, randomToken, secretMatches } from '../auth/secret-token.js';
import { lockVisibleApiCredential } from './api-credential.access.js';

// API credentials for partner tools (TAXII clients, import scripts). Issued by an agency admin
// for the agency, named and scoped, with a TLP ceiling; the token is `ipnet_<id>.<secret>`, the id
// a random UUID and the secret 160 bits from the CSPRNG; as for sessions the database keeps only
// a SHA-256 of the secret, the
// secret is shown once, and every request checks the row, so a revocation ends access at once.

export const TOKEN_PREFIX = 'ipnet_';
/** The nil UUID: the person behind a credential's requests, which is nobody. */
export const NO_PERSON = '00000000-0000-0000-0000-000000000000';
export const MAX_CREDENTIALS_PER_AGENCY = 50;
const LAST_USE_WRITE_INTERVAL_MS = 60_000;

/** Markings a credential may be given as its ceiling, lowest first. */
export const CEILINGS = ['CLEAR', 'GREEN', 'AMBER'] as const satisfies readonly Tlp[];

/** The markings a credential with this ceiling receives: never AMBER+STRICT or RED. */
export function markingsUpTo(ceiling: Tlp): Tlp[] {
  const index = (CEILINGS as readonly Tlp[]).indexOf(ceiling);
  return index < 0 ? [] : CEILINGS.slice(0, index + 1);
}

export interface CredentialFields {
  name: string;
  scopes: ApiScope[];
  tlpCeiling: (typeof CEILINGS)[number];
}

export async function issueApiCredential(
  actor: Viewer,
  fields: CredentialFields,
): Promise<{ credential: ApiCredential; token: string; secret: string }> {
  const live = await prisma.apiCredential.count({
    where: { agencyId: actor.agencyId, revokedAt: null },
  });
  if (live >= MAX_CREDENTIALS_PER_AGENCY) {
    throw new ConflictError(
      `Your agency has ${MAX_CREDENTIALS_PER_AGENCY} credentials in use, the most it may keep: revoke one first.`,
    );
  }
  const id = randomUUID();
  const secret = randomToken();
  const credential = await prisma.apiCredential
    .create({
      data: {
        id,
        agencyId: actor.agencyId,
        name: fields.name,
        scopes: [...new Set(fields.scopes)],
        tlpCeiling: fields.tlpCeiling,
        secretHash: hashSecret(secret),
        createdById: actor.userId,
      },
    })
    .catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
      // Names stay taken after revocation, so that the access log's names stay unambiguous.
      throw new ConflictError(`Your agency already has a credential named "${fields.name}".`);
    });
  return { credential, token: `${TOKEN_PREFIX}${id}.${secret}`, secret };
}

export async function revokeApiCredential(actor: Viewer, id: string): Promise<ApiCredential> {
  return prisma.$transaction(async (tx) => {
    const credential = await lockVisibleApiCredential(tx, actor, id);
    if (credential.revokedAt) return credential;
    return tx.apiCredential.update({
      where: { id },
      data: { revokedAt: new Date(), revokedById: actor.userId },
    });
  });
}

/** The id and secret an `Authorization` header carries: HTTP Basic (id:secret) or Bearer token. */
export function credentialFromHeader(header: string | null): { id: string; secret: string } | null {
  if (!header) return null;
  const [scheme, value, ...rest] = header.trim().split(/\s+/);
  if (!scheme || !value || rest.length > 0) return null;
  let id: string | undefined;
  let secret: string | undefined;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    id = decoded.slice(0, colon);
    secret = decoded.slice(colon + 1);
  } else if (/^bearer$/i.test(scheme)) {
    [id, secret] = value.split('.', 2);
  } else {
    return null;
  }
  if (id?.startsWith(TOKEN_PREFIX)) id = id.slice(TOKEN_PREFIX.length);
  if (!id || !secret || !isUuid(id) || !/^[a-z2-7]{32}$/.test(secret)) return null;
  return { id, secret };
}

interface CredentialRow {
  id: string;
  name: string;
  secretHash: Uint8Array;
  scopes: ApiScope[];
  tlpCeiling: Tlp;
  agencyId: string;
  createdById: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  regions: Region[];
}

/**
 * The viewer a credential stands for, or null when it is malformed, unknown or revoked. It acts
 * for its agency with no role and no person: `userId` is the nil UUID, which no rule matches.
 */
async function authenticateCredential(header: string | null): Promise<Viewer | null> {
  const given = credentialFromHeader(header);
  if (!given) return null;
  const [row] = await prisma.$queryRaw<CredentialRow[]>`
    SELECT c.id, c.name, c."secretHash", c.scopes::text[] AS scopes, c."tlpCeiling"::text AS "tlpCeiling",
           c."agencyId", c."createdById", c."lastUsedAt", c."revokedAt", a.regions::text[] AS regions
      FROM "ApiCredential" c JOIN "Agency" a ON a.id = c."agencyId"
     WHERE c.id = ${given.id}::uuid`;
  if (!row || row.revokedAt) return null;
  if (!secretMatches(given.secret, row.secretHash)) return null;
  const now = Date.now();
  if (!row.lastUsedAt || now - new Date(row.lastUsedAt).getTime() > LAST_USE_WRITE_INTERVAL_MS) {
    await prisma.apiCredential.updateMany({
      where: { id: row.id },
      data: { lastUsedAt: new Date(now) },
    });
  }
  return {
    userId: NO_PERSON,
    agencyId: row.agencyId,
    agencyRegions: row.regions,
    roles: [],
    email: '',
    locale: null,
    sessionId: `credential:${row.id}`,
    sessionExpiresAt: new Date(8_640_000_000_000_000),
    credential: {
      id: row.id,
      name: row.name,
      issuedById: row.createdById,
      tlpCeiling: row.tlpCeiling,
      scopes: row.scopes,
    },
  };
}

/** Who an endpoint for partner tools serves, or why it refuses (HTTP status and reason). */
export type CredentialCheck = { viewer: Viewer } | { status: 401 | 403; reason: string };

/** The credential an `Authorization` header carries, for an endpoint that needs `scope`. */
export async function credentialFor(
  header: string | null,
  scope: ApiScope,
): Promise<CredentialCheck> {
  const viewer = await authenticateCredential(header);
  if (!viewer?.credential) {
    return {
      status: 401,
      reason:
        'Sign in with an API credential of your agency: HTTP Basic (id and secret) or a Bearer token.',
    };
  }
  if (!viewer.credential.scopes.includes(scope)) {
    return { status: 403, reason: `This credential has no ${scope} scope.` };
  }
  return { viewer };
}

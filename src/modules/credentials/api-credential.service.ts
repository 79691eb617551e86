import { randomUUID } from 'node:crypto';
import { isUniqueViolation, prisma } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { ApiCredential } from '../../generated/prisma/client.js';
import type { ApiScope, Region, Role, Tlp } from '../../generated/prisma/enums.js';
import { isUuid } from '../../input-guard.js';
import { hasRole } from '../auth/roles.js';
import { hashSecret, randomToken, secretMatches } from '../auth/secret-token.js';
import type { Viewer } from '../auth/viewer.js';
import { userVisibilityWhere } from '../users/user.access.js';
import { lockVisibleApiCredential } from './api-credential.access.js';
import { credentialLockout, recordCredentialFailure } from './credential-throttle.js';

// API credentials for partner tools (TAXII clients, import scripts). Issued by an agency admin
// for the agency, named and scoped, with a TLP ceiling; the token is `ipnet_<id>.<secret>`, the id
// a random UUID and the secret 160 bits from the CSPRNG; as for sessions the database keeps only
// a SHA-256 of the secret, the secret is shown once, and every request checks the row and its
// holder (the admin who issued it, or to whom it was handed since), so a revocation or the
// holder's deactivation ends access at once, and it acts with no more than the holder's rights.

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
  const lent = scopesLentBy({ active: true, roles: actor.roles });
  if (!fields.scopes.every((scope) => lent.includes(scope))) {
    throw ValidationError.single(
      ['input', 'scopes'],
      'IMPORT writes reports in your name, which needs the ANALYST role: a credential has at most the rights of the admin who holds it',
    );
  }
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

/**
 * The scopes a person may lend a credential now, by the role rules of auth/roles.ts: READ while
 * the account is active, IMPORT while they may also write reports (it writes drafts in their
 * name). A credential uses its scopes that its holder may lend, no more.
 */
export function scopesLentBy(person: { active: boolean; roles: readonly Role[] }): ApiScope[] {
  if (!person.active) return [];
  return hasRole(person, 'ANALYST') ? ['READ', 'IMPORT'] : ['READ'];
}

/** Why a person may not hold a credential with these scopes for its agency; null when they may. */
function whyNotHolder(
  person: { active: boolean; roles: readonly Role[] },
  scopes: readonly ApiScope[],
): string | null {
  if (!person.active) return 'is deactivated';
  if (!hasRole(person, 'AGENCY_ADMIN')) return 'is not an admin of your agency';
  const lent = scopesLentBy(person);
  if (!scopes.every((scope) => lent.includes(scope))) {
    return "has no ANALYST role, which the credential's IMPORT scope needs (it writes reports)";
  }
  return null;
}

/**
 * Hands a credential to another admin of its agency, who holds it from now on: it acts with
 * their rights, and what it reads and writes is in their name. Done before its holder is
 * deactivated, it keeps a partner's tool working. Answers the credential and who held it.
 */
export async function transferApiCredential(
  actor: Viewer,
  id: string,
  toUserId: string,
): Promise<{ credential: ApiCredential; fromUserId: string }> {
  return prisma.$transaction(async (tx) => {
    const credential = await lockVisibleApiCredential(tx, actor, id);
    const holder = await tx.user.findFirst({
      where: { id: toUserId, agencyId: credential.agencyId, AND: [userVisibilityWhere(actor)] },
      select: { id: true, active: true, roles: true },
    });
    if (!holder) throw new NotFoundError('user');
    if (credential.revokedAt) {
      throw ValidationError.single(['id'], 'is revoked: issue a new credential instead');
    }
    const refusal = whyNotHolder(holder, credential.scopes);
    if (refusal) {
      throw ValidationError.single(['toUserId'], `${refusal}, so cannot hold this credential`);
    }
    const updated = await tx.apiCredential.update({
      where: { id: credential.id },
      data: { createdById: holder.id },
    });
    return { credential: updated, fromUserId: credential.createdById };
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
  holderActive: boolean | null;
  holderRoles: Role[] | null;
}

const NEVER = new Date(8_640_000_000_000_000);
/** Compared with when the id is unknown, so that an unknown id and a wrong secret take as long. */
const DECOY_HASH = hashSecret(randomToken());

/** Why a presented credential is not served. */
type Refusal =
  /** Nothing proves the caller holds a credential: malformed, unknown id, wrong secret. */
  | 'unproven'
  /** The secret is right, but the credential is revoked or its holder is no longer active. */
  | 'ended';

/**
 * The viewer a credential stands for, with the scopes its holder's current rights still allow,
 * or why not. It acts for its agency with no role and no person: `userId` is the nil UUID,
 * which no rule matches.
 */
async function authenticateCredential(header: string): Promise<Viewer | Refusal> {
  const given = credentialFromHeader(header);
  if (!given) return 'unproven';
  // The holder is read with the credential on every request: a deactivation or a change of
  // roles takes effect at the next request, on every instance.
  const [row] = await prisma.$queryRaw<CredentialRow[]>`
    SELECT c.id, c.name, c."secretHash", c.scopes::text[] AS scopes, c."tlpCeiling"::text AS "tlpCeiling",
           c."agencyId", c."createdById", c."lastUsedAt", c."revokedAt", a.regions::text[] AS regions,
           u.active AS "holderActive", u.roles::text[] AS "holderRoles"
      FROM "ApiCredential" c
      JOIN "Agency" a ON a.id = c."agencyId"
      LEFT JOIN "User" u ON u.id = c."createdById" AND u."agencyId" = c."agencyId"
     WHERE c.id = ${given.id}::uuid`;
  if (!secretMatches(given.secret, row?.secretHash ?? DECOY_HASH) || !row) return 'unproven';
  const lent = scopesLentBy({ active: row.holderActive ?? false, roles: row.holderRoles ?? [] });
  if (row.revokedAt || lent.length === 0) return 'ended';
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
    sessionExpiresAt: NEVER,
    credential: {
      id: row.id,
      name: row.name,
      issuedById: row.createdById,
      tlpCeiling: row.tlpCeiling,
      scopes: row.scopes.filter((scope) => lent.includes(scope)),
    },
  };
}

/** Who an endpoint for partner tools serves, or why it refuses (HTTP status and reason). */
export type CredentialCheck =
  | { viewer: Viewer }
  | { status: 401 | 403; reason: string }
  | { status: 429; reason: string; retryAfterSeconds: number };

/**
 * The credential an `Authorization` header carries, for an endpoint that needs `scope`, asked
 * from `address`. Failed attempts are counted per address (credential-throttle.ts); past the
 * limit the address is refused with 429, a right credential too.
 */
export async function credentialFor(
  header: string | null,
  scope: ApiScope,
  address: string,
): Promise<CredentialCheck> {
  const signIn =
    'Sign in with an API credential of your agency: HTTP Basic (id and secret) or a Bearer token.';
  // A client's first request often carries nothing, to be told how to sign in: not an attempt.
  if (!header) return { status: 401, reason: signIn };
  const wait = await credentialLockout(address);
  if (wait !== null) {
    return {
      status: 429,
      reason: `Too many failed credential attempts from your address. Try again in ${Math.ceil(wait / 60)} minute(s).`,
      retryAfterSeconds: wait,
    };
  }
  const viewer = await authenticateCredential(header);
  if (viewer === 'unproven') {
    await recordCredentialFailure(address);
    return { status: 401, reason: signIn };
  }
  if (viewer === 'ended') {
    return {
      status: 401,
      reason:
        "This credential has ended: it was revoked, or the person who holds it is no longer active. Ask your agency's admins.",
    };
  }
  if (!viewer.credential?.scopes.includes(scope)) {
    return {
      status: 403,
      reason:
        scope === 'IMPORT'
          ? "This credential cannot import: it has no IMPORT scope, or the person who holds it may no longer write reports. Ask your agency's admins."
          : `This credential has no ${scope} scope.`,
    };
  }
  return { viewer };
}

import { prisma } from '../../db.js';
import { SignInChallengeExpiredError } from '../auth/auth.errors.js';
import { afterFirstFactor, type SignInMeta, type SignInResult } from '../auth/auth.service.js';
import { proveOwnerPassword } from '../auth/owner-proof.js';
import { proveOwnerCode } from '../auth/second-factor.service.js';
import { issueToken, secretMatches, tokenParts } from '../auth/secret-token.js';
import { recordSecurityEvent } from '../auth/security-log.js';
import { createSession } from '../auth/session.service.js';
import { providerLabel, providerMayReach } from './identity-provider.service.js';

// The owner's confirmation of a link between their account and a provider's subject, at their
// first single sign-on through it. The provider said who the person is; the person now proves it
// to IPNet once, with the account's password or a code of its second factor, and from then on the
// provider signs them in. A provider's operator who claims a colleague's address (or an admin who
// prepared a link to a subject of their own) gets no further than this step.

const CHALLENGE_MINUTES = 10;
const CHALLENGE_MAX_FAILURES = 5;

/** A token for the browser that came back from the provider; the link waits for its proof. */
export async function startLinkChallenge(identityId: string): Promise<string> {
  const { id, secretHash, token } = issueToken();
  await prisma.identityLinkChallenge.create({
    data: {
      id,
      secretHash,
      identityId,
      expiresAt: new Date(Date.now() + CHALLENGE_MINUTES * 60_000),
    },
  });
  return token;
}

/** The live challenge a token stands for, with what the page shows; else SignInChallengeExpired. */
export async function liveLinkChallenge(token: string) {
  const parts = tokenParts(token);
  if (!parts) throw new SignInChallengeExpiredError();
  const challenge = await prisma.identityLinkChallenge.findUnique({
    where: { id: parts.id },
    include: {
      identity: {
        include: {
          user: {
            select: {
              id: true,
              email: true,
              active: true,
              roles: true,
              agencyId: true,
              passwordSignIn: true,
              totpConfirmedAt: true,
            },
          },
          provider: { include: { agency: { select: { nameEn: true } } } },
        },
      },
    },
  });
  if (
    !challenge ||
    !secretMatches(parts.secret, challenge.secretHash) ||
    challenge.expiresAt <= new Date() ||
    challenge.failures >= CHALLENGE_MAX_FAILURES ||
    challenge.identity.confirmedAt !== null ||
    !challenge.identity.provider.enabled ||
    !challenge.identity.user.active ||
    challenge.identity.user.agencyId !== challenge.identity.provider.agencyId ||
    !providerMayReach(challenge.identity.user.roles)
  ) {
    throw new SignInChallengeExpiredError();
  }
  return challenge;
}

export interface LinkProof {
  password?: string | null;
  code?: string | null;
}

/**
 * Confirms the link with the owner's proof and signs them in: after a password, as a password
 * sign-in goes on (a second factor is still asked when the account takes one); after a code of
 * the account's second factor, at once (the provider and the code are two factors). Wrong answers
 * count against the challenge and, like wrong sign-ins, against the account and the address.
 */
export async function confirmIdentityLink(
  token: string,
  proof: LinkProof,
  meta: SignInMeta,
): Promise<SignInResult> {
  const challenge = await liveLinkChallenge(token);
  const { identity } = challenge;
  const owner = { id: identity.user.id, email: identity.user.email };
  try {
    if (proof.code) await proveOwnerCode(owner, proof.code, meta.ipAddress, 'code');
    else await proveOwnerPassword(owner, proof.password ?? '', meta.ipAddress, 'password');
  } catch (error) {
    const [counted] = await prisma.$queryRaw<{ failures: number }[]>`
      UPDATE "IdentityLinkChallenge" SET failures = failures + 1 WHERE id = ${challenge.id}
      RETURNING failures`;
    if ((counted?.failures ?? CHALLENGE_MAX_FAILURES) >= CHALLENGE_MAX_FAILURES) {
      await prisma.identityLinkChallenge.deleteMany({ where: { id: challenge.id } });
    }
    throw error;
  }
  const now = new Date();
  const provider = providerLabel(identity.provider);
  await prisma.$transaction(async (tx) => {
    // Used once: of two answers racing with one challenge, one confirms.
    const { count } = await tx.identityLinkChallenge.deleteMany({ where: { id: challenge.id } });
    if (count === 0) throw new SignInChallengeExpiredError();
    await tx.userIdentity.update({
      where: { id: identity.id },
      data: { confirmedAt: now, lastSignInAt: now },
    });
    for (const kind of ['IDENTITY_LINKED', 'FIRST_SINGLE_SIGN_ON'] as const) {
      await recordSecurityEvent(
        { userId: owner.id, kind, provider, ipAddress: meta.ipAddress },
        tx,
      );
    }
  });
  if (proof.code) {
    return { session: await createSession(owner.id, meta), userId: owner.id, recoveryCodes: null };
  }
  return afterFirstFactor(owner.id, meta);
}

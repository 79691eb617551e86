import { recordAlerts } from '../../alert-log.js';
import { isUniqueViolation, prisma, type Tx } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type { Role } from '../../generated/prisma/enums.js';
import { sendAccountMessage } from '../auth/account-mail.js';
import { renderAccountMessage } from '../auth/account-messages.i18n.js';
import { normaliseEmail } from '../auth/auth.service.js';
import { proveOwnerPassword } from '../auth/owner-proof.js';
import { hashPassword } from '../auth/password.js';
import { mayGrantRoles, mayManageUsersOf } from '../auth/roles.js';
import { removeSecondFactor } from '../auth/second-factor.service.js';
import { randomToken } from '../auth/secret-token.js';
import { recordSecurityEvent } from '../auth/security-log.js';
import { sessionsEnded, viewersChanged } from '../auth/session.service.js';
import type { Viewer } from '../auth/viewer.js';
import type { Locale } from '../i18n/locale.js';
import { userVisibilityWhere } from './user.access.js';

export interface CreateUserInput {
  agencyId: string;
  email: string;
  displayName: string;
  password: string;
  roles: Role[];
  locale?: Locale | null;
}

function assertMayGrant(actor: Viewer, roles: readonly Role[]): void {
  if (!mayGrantRoles(actor, roles)) {
    throw new ForbiddenError('Only network admins may grant the NETWORK_ADMIN role.');
  }
}

export async function createUser(actor: Viewer, input: CreateUserInput) {
  if (!mayManageUsersOf(actor, input.agencyId)) {
    throw new ForbiddenError('You may only create users in your own agency, as its admin.');
  }
  assertMayGrant(actor, input.roles);
  const agency = await prisma.agency.findUnique({
    where: { id: input.agencyId },
    select: { id: true },
  });
  if (!agency) throw new NotFoundError('agency');

  const email = normaliseEmail(input.email);
  try {
    return await prisma.user.create({
      data: {
        email,
        displayName: input.displayName,
        passwordHash: await hashPassword(input.password),
        roles: input.roles,
        locale: input.locale ?? null,
        agencyId: input.agencyId,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw await emailTaken(actor, email);
    throw error;
  }
}

/**
 * An account an identity provider creates at a person's first single sign-on (the provider's
 * agency allows it): linked to the provider's subject from the start, and signing in through the
 * provider only, with a random password that is never asked for and no reset, so that leaving
 * the directory leaves no way in. Inside the caller's transaction.
 */
export async function createProvisionedUser(
  tx: Tx,
  input: {
    email: string;
    displayName: string;
    roles: Role[];
    agencyId: string;
    identity: { providerId: string; subject: string; at: Date };
  },
) {
  const { identity, ...account } = input;
  return tx.user.create({
    data: {
      ...account,
      passwordHash: await hashPassword(randomToken()),
      passwordSignIn: false,
      identities: {
        create: {
          providerId: identity.providerId,
          subject: identity.subject,
          confirmedAt: identity.at,
          lastSignInAt: identity.at,
        },
      },
    },
    select: { id: true },
  });
}

/**
 * The refusal of an address already in use. Only what the actor may see is said: a colleague's
 * account is named as such; an account the actor may not see is not confirmed, nor its agency.
 */
async function emailTaken(actor: Viewer, email: string): Promise<ConflictError> {
  const visible = await prisma.user.count({
    where: { email, AND: [userVisibilityWhere(actor)] },
  });
  return new ConflictError(
    visible > 0
      ? `${email} is already the sign-in address of an account you manage; change that account instead.`
      : `${email} cannot be used for a new account. If the person already uses IPNet, ask the network administrators.`,
  );
}

/** A user the actor may manage, or NotFound (without saying whether it exists elsewhere). */
async function managedUser(actor: Viewer, userId: string) {
  const user = await prisma.user.findFirst({
    where: { id: userId, ...userVisibilityWhere(actor) },
  });
  if (!user) throw new NotFoundError('user');
  if (!mayManageUsersOf(actor, user.agencyId)) {
    throw new ForbiddenError("Only your agency's admins may change its users.");
  }
  return user;
}

export async function setUserRoles(actor: Viewer, userId: string, roles: Role[]) {
  const user = await managedUser(actor, userId);
  assertMayGrant(actor, roles);
  if (user.roles.includes('NETWORK_ADMIN') && !roles.includes('NETWORK_ADMIN')) {
    assertMayGrant(actor, user.roles);
  }
  if (user.id === actor.userId && !roles.some((r) => actor.roles.includes(r) && isAdminRole(r))) {
    throw new ValidationError([
      { path: ['roles'], message: 'you cannot remove your own admin role; ask another admin' },
    ]);
  }
  const updated = await prisma.user.update({ where: { id: user.id }, data: { roles } });
  viewersChanged();
  return updated;
}

function isAdminRole(role: Role): boolean {
  return role === 'AGENCY_ADMIN' || role === 'NETWORK_ADMIN';
}

/** Deactivates a user and ends all their sessions in the same transaction. */
export async function deactivateUser(actor: Viewer, userId: string) {
  const user = await managedUser(actor, userId);
  if (user.id === actor.userId) {
    throw new ValidationError([{ path: ['userId'], message: 'you cannot deactivate yourself' }]);
  }
  const [updated] = await prisma.$transaction([
    prisma.user.update({
      where: { id: user.id },
      data: { active: false, deactivatedAt: user.deactivatedAt ?? new Date() },
    }),
    prisma.session.deleteMany({ where: { userId: user.id } }),
  ]);
  sessionsEnded();
  return updated;
}

/**
 * An agency admin removes a member's second factor (a lost phone, or an authenticator bound by
 * someone else): recorded in the member's security log with the admin's name, and the member is
 * told by alert and by e-mail. Network admins' factors are reset by network admins only.
 */
export async function resetMemberSecondFactor(actor: Viewer, userId: string, address: string) {
  const user = await managedUser(actor, userId);
  assertMayGrant(actor, user.roles);
  if (!user.totpConfirmedAt && !user.totpSecret) {
    throw new ConflictError(`${user.displayName} has no second factor to reset.`);
  }
  const admin = await prisma.user.findUniqueOrThrow({
    where: { id: actor.userId },
    select: { displayName: true },
  });
  const updated = await prisma.$transaction(async (tx) => {
    const [clearFactor, removeCodes] = removeSecondFactor(user.id, tx);
    const changed = await clearFactor;
    await removeCodes;
    await recordSecurityEvent(
      { userId: user.id, kind: 'SECOND_FACTOR_RESET', actorId: actor.userId, ipAddress: address },
      tx,
    );
    await recordAlerts(tx, [
      {
        kind: 'SECOND_FACTOR_RESET',
        severity: 'WARNING',
        title: admin.displayName,
        recipientUserId: user.id,
      },
    ]);
    return changed;
  });
  viewersChanged();
  const { subject, text } = renderAccountMessage('SECOND_FACTOR_RESET', user.locale, {
    name: user.displayName,
    email: user.email,
    admin: admin.displayName,
  });
  sendAccountMessage({ to: user.email, subject, text, kind: 'second-factor-reset' });
  return updated;
}

export async function reactivateUser(actor: Viewer, userId: string) {
  const user = await managedUser(actor, userId);
  return prisma.user.update({
    where: { id: user.id },
    data: { active: true, deactivatedAt: null },
  });
}

export async function updateOwnProfile(
  actor: Viewer,
  input: { displayName?: string | null; locale?: Locale | null },
) {
  const updated = await prisma.user.update({
    where: { id: actor.userId },
    data: {
      ...(input.displayName ? { displayName: input.displayName } : {}),
      ...(input.locale !== undefined ? { locale: input.locale } : {}),
    },
  });
  // The viewer carries the locale.
  viewersChanged();
  return updated;
}

/**
 * Changes the actor's password and ends their other sessions. A wrong current password counts
 * towards the sign-in lockout, so a session gives no unlimited guesses at it.
 */
export async function changePassword(
  actor: Viewer,
  currentPassword: string,
  newPassword: string,
  address: string,
) {
  const owner = { id: actor.userId, email: actor.email };
  await proveOwnerPassword(owner, currentPassword, address, 'currentPassword');
  const passwordHash = await hashPassword(newPassword);
  const [user] = await prisma.$transaction([
    prisma.user.update({ where: { id: actor.userId }, data: { passwordHash } }),
    prisma.session.deleteMany({ where: { userId: actor.userId, id: { not: actor.sessionId } } }),
    recordSecurityEvent({ userId: actor.userId, kind: 'PASSWORD_CHANGED', ipAddress: address }),
  ]);
  sessionsEnded();
  return user;
}

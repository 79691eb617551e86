import { describe, expect, it } from 'vitest';
import { prisma } from '../src/db.js';
import { gql, makeAgency, makeUser, present, unique } from './support/api.js';
import { graphql } from './support/graphql.js';

// Asking for a password reset, in this process (the whole journey by e-mail, on a server of its
// own, is in identity.test.ts): what is stored, the same answer for every address, the limits.

const REQUEST = graphql(`
  mutation AskReset($email: EmailAddress!) {
    requestPasswordReset(email: $email) {
      __typename
      ... on RequestPasswordResetSuccess { accepted }
      ... on RateLimitedError { retryAfterSeconds }
    }
  }
`);

/**
 * Asks for a link for a control account after the others and waits for its link: the requests
 * before it have been looked at by then, so a count of links written for them is final.
 */
async function settled(agencyId: string) {
  const control = await makeUser(agencyId, ['VIEWER']);
  await ask(control.email, unique('addr'));
  await expect
    .poll(() => prisma.passwordReset.count({ where: { userId: control.id } }), { timeout: 5000 })
    .toBe(1);
}

async function ask(email: string, address: string) {
  const answer = await gql(REQUEST, { email }, { headers: { 'x-forwarded-for': address } });
  return present(answer.data?.requestPasswordReset, 'requestPasswordReset');
}

describe('asking for a password reset', () => {
  it('keeps only a hash of a short-lived link, and answers the same for every address', async () => {
    const agency = await makeAgency();
    const user = await makeUser(agency.id, ['ANALYST']);
    const address = unique('addr');
    expect(await ask(user.email, address)).toEqual({
      __typename: 'RequestPasswordResetSuccess',
      accepted: true,
    });
    expect(await ask(`nobody-${user.email}`, address)).toEqual({
      __typename: 'RequestPasswordResetSuccess',
      accepted: true,
    });
    // The link is written after the answer.
    await expect
      .poll(() => prisma.passwordReset.count({ where: { userId: user.id } }), { timeout: 5000 })
      .toBe(1);
    const reset = await prisma.passwordReset.findFirstOrThrow({ where: { userId: user.id } });
    expect(reset.secretHash.length).toBe(32);
    expect(reset.usedAt).toBeNull();
    const minutes = (reset.expiresAt.getTime() - reset.createdAt.getTime()) / 60_000;
    expect(minutes).toBeCloseTo(30, 0);

    // A deactivated account gets no link either, with the same answer.
    const gone = await makeUser(agency.id, ['VIEWER']);
    await prisma.user.update({ where: { id: gone.id }, data: { active: false } });
    expect((await ask(gone.email, unique('addr'))).__typename).toBe('RequestPasswordResetSuccess');
    await settled(agency.id);
    expect(await prisma.passwordReset.count({ where: { userId: gone.id } })).toBe(0);
  });

  it('sends an account three links an hour at most, and limits each client address', async () => {
    const agency = await makeAgency();
    const user = await makeUser(agency.id, ['ANALYST']);
    for (let n = 0; n < 5; n += 1) {
      expect((await ask(user.email, unique('addr'))).__typename).toBe(
        'RequestPasswordResetSuccess',
      );
    }
    await settled(agency.id);
    expect(await prisma.passwordReset.count({ where: { userId: user.id } })).toBe(3);

    const address = unique('addr');
    const answers = [];
    for (let n = 0; n < 11; n += 1)
      answers.push((await ask(`x${n}@example.test`, address)).__typename);
    expect(answers).toEqual([...Array(10).fill('RequestPasswordResetSuccess'), 'RateLimitedError']);
  });
});

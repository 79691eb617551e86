-- CreateEnum
CREATE TYPE "IdentityMatch" AS ENUM ('EMAIL', 'SUBJECT');

-- AlterEnum
ALTER TYPE "ForumMessageKind" ADD VALUE 'EMAIL_CONFIRMATION';

-- AlterTable
ALTER TABLE "Agency" ADD COLUMN     "requireSecondFactor" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ForumRegistration" ADD COLUMN     "emailCodeHash" BYTEA,
ADD COLUMN     "emailConfirmBy" TIMESTAMPTZ(3),
ADD COLUMN     "emailConfirmedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "totpConfirmedAt" TIMESTAMPTZ(3),
ADD COLUMN     "totpLastStep" INTEGER,
ADD COLUMN     "totpSecret" TEXT;

-- CreateTable
CREATE TABLE "RecoveryCode" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "codeHash" BYTEA NOT NULL,
    "usedAt" TIMESTAMPTZ(3),

    CONSTRAINT "RecoveryCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignInChallenge" (
    "id" TEXT NOT NULL,
    "secretHash" BYTEA NOT NULL,
    "userId" UUID NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInChallenge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PasswordReset" (
    "id" TEXT NOT NULL,
    "secretHash" BYTEA NOT NULL,
    "userId" UUID NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PasswordReset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdentityProvider" (
    "id" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "clientSecret" TEXT,
    "scopes" TEXT NOT NULL DEFAULT 'openid email profile',
    "matchBy" "IdentityMatch" NOT NULL DEFAULT 'EMAIL',
    "createAccounts" BOOLEAN NOT NULL DEFAULT false,
    "accountRoles" "Role"[] DEFAULT ARRAY[]::"Role"[],
    "roleMappings" JSONB NOT NULL DEFAULT '[]',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IdentityProvider_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserIdentity" (
    "id" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSignInAt" TIMESTAMPTZ(3),

    CONSTRAINT "UserIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OidcSignIn" (
    "state" TEXT NOT NULL,
    "providerId" UUID NOT NULL,
    "codeVerifier" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OidcSignIn_pkey" PRIMARY KEY ("state")
);

-- CreateTable
CREATE TABLE "NetworkSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "requireSecondFactorForRestricted" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "NetworkSettings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RecoveryCode_userId_idx" ON "RecoveryCode"("userId");

-- CreateIndex
CREATE INDEX "SignInChallenge_userId_idx" ON "SignInChallenge"("userId");

-- CreateIndex
CREATE INDEX "PasswordReset_userId_idx" ON "PasswordReset"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "IdentityProvider_agencyId_name_key" ON "IdentityProvider"("agencyId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "UserIdentity_providerId_subject_key" ON "UserIdentity"("providerId", "subject");

-- CreateIndex
CREATE UNIQUE INDEX "UserIdentity_providerId_userId_key" ON "UserIdentity"("providerId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "ForumRegistration_emailCodeHash_key" ON "ForumRegistration"("emailCodeHash");

-- CreateIndex
CREATE INDEX "ForumRegistration_emailConfirmBy_idx" ON "ForumRegistration"("emailConfirmBy");

-- AddForeignKey
ALTER TABLE "RecoveryCode" ADD CONSTRAINT "RecoveryCode_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SignInChallenge" ADD CONSTRAINT "SignInChallenge_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PasswordReset" ADD CONSTRAINT "PasswordReset_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IdentityProvider" ADD CONSTRAINT "IdentityProvider_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserIdentity" ADD CONSTRAINT "UserIdentity_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "IdentityProvider"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserIdentity" ADD CONSTRAINT "UserIdentity_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OidcSignIn" ADD CONSTRAINT "OidcSignIn_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "IdentityProvider"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- A guest who has not confirmed the e-mail address holds a place but hears nothing until then:
-- placement writes no message for them (confirmation sends the one their place calls for).
CREATE OR REPLACE FUNCTION "forum_place_seats"(p_event uuid, p_request uuid) RETURNS SETOF uuid AS $$
DECLARE
  ev "ForumEvent"%ROWTYPE;
  taken integer;
  entry record;
  fits boolean;
BEGIN
  SELECT * INTO ev FROM "ForumEvent" WHERE id = p_event FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF ev.status = 'CANCELLED' OR ev."endsAt" <= now() THEN
    IF p_request IS NOT NULL THEN
      DELETE FROM "ForumRequest" r WHERE r.id = p_request AND NOT EXISTS (
        SELECT 1 FROM "ForumRegistration" g WHERE g."requestId" = r.id AND g.status <> 'WAITLISTED');
    END IF;
    RETURN;
  END IF;

  SELECT count(*) INTO taken FROM "ForumRegistration"
    WHERE "eventId" = p_event AND status IN ('CONFIRMED', 'CHECKED_IN');

  -- A full event places nobody: skip walking the line (its query groups every waiting entry).
  IF taken < ev.capacity THEN
    FOR entry IN
      SELECT r.id, r.invitation, array_agg(g.id) AS regs, count(*)::integer AS n
        FROM "ForumRequest" r
        JOIN "ForumRegistration" g ON g."requestId" = r.id AND g.status = 'WAITLISTED'
       WHERE r."eventId" = p_event
       GROUP BY r.id
       ORDER BY r.seq
    LOOP
      EXIT WHEN taken >= ev.capacity;
      CONTINUE WHEN taken + entry.n > ev.capacity;

      IF NOT entry.invitation THEN
        SELECT bool_and(held.n + want.n <= COALESCE(q.seats, ev."agencyQuota")) INTO fits
          FROM (SELECT g."agencyId", count(*)::integer AS n FROM "ForumRegistration" g
                 WHERE g.id = ANY (entry.regs) AND g."agencyId" IS NOT NULL
                 GROUP BY g."agencyId") want
          CROSS JOIN LATERAL (
            SELECT count(*)::integer AS n FROM "ForumRegistration" h
             WHERE h."eventId" = p_event AND h."agencyId" = want."agencyId"
               AND h.status IN ('CONFIRMED', 'CHECKED_IN')) held
          LEFT JOIN "ForumAgencyQuota" q ON q."eventId" = p_event AND q."agencyId" = want."agencyId";
        CONTINUE WHEN fits IS FALSE;
    END IF;

    SELECT bool_and(s.capacity IS NULL OR used.n + want.n <= s.capacity) INTO fits
      FROM (SELECT c."sessionId", count(*)::integer AS n FROM "ForumSessionChoice" c
             WHERE c."registrationId" = ANY (entry.regs)
             GROUP BY c."sessionId") want
      JOIN "ForumSession" s ON s.id = want."sessionId"
      CROSS JOIN LATERAL (
        SELECT count(*)::integer AS n FROM "ForumSessionChoice" c
          JOIN "ForumRegistration" h ON h.id = c."registrationId"
         WHERE c."sessionId" = s.id AND h.status IN ('CONFIRMED', 'CHECKED_IN')) used;
    CONTINUE WHEN fits IS FALSE;

    UPDATE "ForumRegistration"
       SET status = 'CONFIRMED', "confirmedAt" = now(), "updatedAt" = now()
     WHERE id = ANY (entry.regs);
    INSERT INTO "ForumMessage" (id, "eventId", "registrationId", kind, recipient, locale)
      SELECT gen_random_uuid(), p_event, g.id,
             CASE WHEN g."waitlistedAt" IS NULL THEN 'REGISTRATION_CONFIRMED'
                  ELSE 'REGISTRATION_PROMOTED' END::"ForumMessageKind",
             g.email, g.locale
        FROM "ForumRegistration" g WHERE g.id = ANY (entry.regs) AND g."emailConfirmBy" IS NULL;
    taken := taken + entry.n;
    RETURN QUERY SELECT unnest(entry.regs);
  END LOOP;
  END IF;

  IF p_request IS NOT NULL AND NOT ev."waitingList" THEN
    DELETE FROM "ForumRequest" r WHERE r.id = p_request AND NOT EXISTS (
      SELECT 1 FROM "ForumRegistration" g WHERE g."requestId" = r.id AND g.status <> 'WAITLISTED');
  END IF;

  WITH queued AS (
    UPDATE "ForumRegistration" SET "waitlistedAt" = now(), "updatedAt" = now()
     WHERE "eventId" = p_event AND status = 'WAITLISTED' AND "waitlistedAt" IS NULL
    RETURNING id, email, locale, "emailConfirmBy")
  INSERT INTO "ForumMessage" (id, "eventId", "registrationId", kind, recipient, locale)
    SELECT gen_random_uuid(), p_event, id, 'REGISTRATION_WAITLISTED', email, locale FROM queued
     WHERE "emailConfirmBy" IS NULL;
END;
$$ LANGUAGE plpgsql;

-- CreateEnum
CREATE TYPE "SecurityEventKind" AS ENUM ('IDENTITY_LINK_PREPARED', 'IDENTITY_LINKED', 'IDENTITY_UNLINKED', 'FIRST_SINGLE_SIGN_ON', 'SECOND_FACTOR_ENABLED', 'SECOND_FACTOR_DISABLED', 'SECOND_FACTOR_RESET', 'RECOVERY_CODES_REPLACED', 'PASSWORD_CHANGED', 'PASSWORD_RESET');

-- AlterEnum
ALTER TYPE "AlertKind" ADD VALUE 'SECOND_FACTOR_RESET';

-- AlterTable
ALTER TABLE "UserIdentity" ADD COLUMN     "confirmedAt" TIMESTAMPTZ(3),
ADD COLUMN     "preparedById" UUID;

-- CreateTable
CREATE TABLE "IdentityLinkChallenge" (
    "id" TEXT NOT NULL,
    "secretHash" BYTEA NOT NULL,
    "identityId" UUID NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdentityLinkChallenge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SecurityEvent" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "kind" "SecurityEventKind" NOT NULL,
    "actorId" UUID,
    "provider" TEXT,
    "ipAddress" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SecurityEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "IdentityLinkChallenge_identityId_idx" ON "IdentityLinkChallenge"("identityId");

-- CreateIndex
CREATE INDEX "SecurityEvent_userId_createdAt_idx" ON "SecurityEvent"("userId", "createdAt");

-- AddForeignKey
ALTER TABLE "UserIdentity" ADD CONSTRAINT "UserIdentity_preparedById_fkey" FOREIGN KEY ("preparedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IdentityLinkChallenge" ADD CONSTRAINT "IdentityLinkChallenge_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "UserIdentity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SecurityEvent" ADD CONSTRAINT "SecurityEvent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SecurityEvent" ADD CONSTRAINT "SecurityEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Links made before owners confirmed them: those of accounts a provider created just in time (which
-- sign in through it only) stay in use; every other link waits for its owner's proof at the next
-- single sign-on.
UPDATE "UserIdentity" ui SET "confirmedAt" = ui."createdAt"
  FROM "User" u WHERE u.id = ui."userId" AND u."passwordSignIn" = false;

-- CreateEnum
CREATE TYPE "ApiScope" AS ENUM ('READ', 'IMPORT');

-- AlterTable
ALTER TABLE "IntelAccessLog" ADD COLUMN     "credentialId" UUID;

-- CreateTable
CREATE TABLE "ApiCredential" (
    "id" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" BYTEA NOT NULL,
    "scopes" "ApiScope"[],
    "tlpCeiling" "Tlp" NOT NULL,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "revokedById" UUID,

    CONSTRAINT "ApiCredential_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiCredential_agencyId_name_key" ON "ApiCredential"("agencyId", "name");

-- CreateIndex
CREATE INDEX "IntelReportVersion_changedAt_id_idx" ON "IntelReportVersion"("changedAt", "id");

-- CreateIndex
CREATE INDEX "IntelSighting_createdAt_id_idx" ON "IntelSighting"("createdAt", "id");

-- AddForeignKey
ALTER TABLE "ApiCredential" ADD CONSTRAINT "ApiCredential_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiCredential" ADD CONSTRAINT "ApiCredential_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiCredential" ADD CONSTRAINT "ApiCredential_revokedById_fkey" FOREIGN KEY ("revokedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelAccessLog" ADD CONSTRAINT "IntelAccessLog_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "ApiCredential"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "IntelReport" ADD COLUMN     "externalId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "IntelReport_authorAgencyId_externalId_key" ON "IntelReport"("authorAgencyId", "externalId");

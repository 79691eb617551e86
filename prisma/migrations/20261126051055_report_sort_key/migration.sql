-- AlterTable
ALTER TABLE "IntelReport" ADD COLUMN     "sortKey" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "IntelReport_sortKey_id_idx" ON "IntelReport"("sortKey" DESC, "id");

-- Existing reports sort by publication, drafts by creation.
UPDATE "IntelReport" SET "sortKey" = COALESCE("publishedAt", "createdAt");

-- CreateEnum
CREATE TYPE "SightingType" AS ENUM ('SEEN', 'TRUE_POSITIVE', 'FALSE_POSITIVE');

-- CreateEnum
CREATE TYPE "AccessRequestStatus" AS ENUM ('PENDING', 'APPROVED', 'DECLINED');

-- CreateEnum
CREATE TYPE "AccessAction" AS ENUM ('VIEW', 'EXPORT');

-- AlterTable
ALTER TABLE "IntelReport" ADD COLUMN     "sightingCount" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "IntelSighting" (
    "id" UUID NOT NULL,
    "reportId" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "type" "SightingType" NOT NULL,
    "seenAt" TIMESTAMPTZ(3) NOT NULL,
    "country" TEXT,
    "quantity" INTEGER,
    "note" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IntelSighting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntelMatch" (
    "id" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "reportId" UUID NOT NULL,
    "counterpartAgencyId" UUID NOT NULL,
    "counterpartReportId" UUID NOT NULL,
    "observableType" "ObservableType" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IntelMatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntelAccessRequest" (
    "id" UUID NOT NULL,
    "reportId" UUID NOT NULL,
    "matchId" UUID,
    "requesterAgencyId" UUID NOT NULL,
    "requesterId" UUID NOT NULL,
    "justification" TEXT NOT NULL,
    "status" "AccessRequestStatus" NOT NULL DEFAULT 'PENDING',
    "decidedById" UUID,
    "decisionReason" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IntelAccessRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntelAccessLog" (
    "id" UUID NOT NULL,
    "reportId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "action" "AccessAction" NOT NULL,
    "purpose" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IntelAccessLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "IntelSighting_reportId_seenAt_idx" ON "IntelSighting"("reportId", "seenAt");

-- CreateIndex
CREATE INDEX "IntelMatch_agencyId_createdAt_idx" ON "IntelMatch"("agencyId", "createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "IntelMatch_reportId_counterpartReportId_observableType_key" ON "IntelMatch"("reportId", "counterpartReportId", "observableType");

-- CreateIndex
CREATE INDEX "IntelAccessRequest_reportId_status_idx" ON "IntelAccessRequest"("reportId", "status");

-- CreateIndex
CREATE INDEX "IntelAccessRequest_requesterAgencyId_createdAt_idx" ON "IntelAccessRequest"("requesterAgencyId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "IntelAccessLog_reportId_at_idx" ON "IntelAccessLog"("reportId", "at" DESC);

-- AddForeignKey
ALTER TABLE "IntelSighting" ADD CONSTRAINT "IntelSighting_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "IntelReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelSighting" ADD CONSTRAINT "IntelSighting_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelSighting" ADD CONSTRAINT "IntelSighting_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelMatch" ADD CONSTRAINT "IntelMatch_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelMatch" ADD CONSTRAINT "IntelMatch_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "IntelReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelMatch" ADD CONSTRAINT "IntelMatch_counterpartAgencyId_fkey" FOREIGN KEY ("counterpartAgencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelMatch" ADD CONSTRAINT "IntelMatch_counterpartReportId_fkey" FOREIGN KEY ("counterpartReportId") REFERENCES "IntelReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelAccessRequest" ADD CONSTRAINT "IntelAccessRequest_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "IntelReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelAccessRequest" ADD CONSTRAINT "IntelAccessRequest_matchId_fkey" FOREIGN KEY ("matchId") REFERENCES "IntelMatch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelAccessRequest" ADD CONSTRAINT "IntelAccessRequest_requesterAgencyId_fkey" FOREIGN KEY ("requesterAgencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelAccessRequest" ADD CONSTRAINT "IntelAccessRequest_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelAccessRequest" ADD CONSTRAINT "IntelAccessRequest_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelAccessLog" ADD CONSTRAINT "IntelAccessLog_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "IntelReport"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelAccessLog" ADD CONSTRAINT "IntelAccessLog_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntelAccessLog" ADD CONSTRAINT "IntelAccessLog_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The access log is evidence: rows are added, never changed or removed.
CREATE FUNCTION "IntelAccessLog_append_only"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'IntelAccessLog is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "IntelAccessLog_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "IntelAccessLog"
  FOR EACH ROW EXECUTE FUNCTION "IntelAccessLog_append_only"();

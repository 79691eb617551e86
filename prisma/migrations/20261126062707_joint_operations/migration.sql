-- CreateEnum
CREATE TYPE "OperationPhase" AS ENUM ('PROPOSED', 'PREPARATION', 'ACTION', 'EVALUATION', 'CLOSED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ParticipantRole" AS ENUM ('LEAD', 'PARTICIPANT', 'OBSERVER');

-- CreateEnum
CREATE TYPE "ParticipationStatus" AS ENUM ('PENDING', 'ACCEPTED', 'DECLINED', 'WITHDRAWN', 'REMOVED');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'BLOCKED', 'DONE');

-- CreateEnum
CREATE TYPE "OperationLogKind" AS ENUM ('MESSAGE', 'EVENT');

-- CreateEnum
CREATE TYPE "ResultKind" AS ENUM ('SEIZURE', 'ARREST', 'PREMISES_INSPECTED', 'TAKEDOWN', 'CRIMINAL_CASE_OPENED', 'ADMINISTRATIVE_CASE_OPENED', 'REFERRED_TO_PROSECUTION', 'REFERRED_TO_COURT');

-- CreateEnum
CREATE TYPE "DetectionPoint" AS ENUM ('COURIER_HUB', 'POSTAL_CENTRE', 'CONTAINER_TERMINAL', 'LAND_CROSSING', 'AIRPORT', 'SEAPORT', 'WAREHOUSE', 'FACTORY', 'RETAIL_PREMISES', 'MARKETPLACE', 'ONLINE', 'OTHER');

-- CreateEnum
CREATE TYPE "QuantityUnit" AS ENUM ('PIECE', 'PAIR', 'SET', 'CARTON', 'KILOGRAM', 'LITRE', 'CONTAINER');

-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('OPERATION_INVITATION', 'TASK_ASSIGNED');

-- CreateTable
CREATE TABLE "Operation" (
    "id" UUID NOT NULL,
    "codeName" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "objective" TEXT NOT NULL,
    "legalBasis" TEXT,
    "leadAgencyId" UUID NOT NULL,
    "targetCountries" TEXT[],
    "targetRegions" "Region"[],
    "plannedStart" TIMESTAMPTZ(3) NOT NULL,
    "plannedEnd" TIMESTAMPTZ(3) NOT NULL,
    "timeZone" TEXT NOT NULL,
    "tlp" "Tlp" NOT NULL,
    "phase" "OperationPhase" NOT NULL DEFAULT 'PROPOSED',
    "cancelReason" TEXT,
    "proposedById" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Operation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OperationParticipant" (
    "id" UUID NOT NULL,
    "operationId" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "role" "ParticipantRole" NOT NULL,
    "status" "ParticipationStatus" NOT NULL,
    "message" TEXT,
    "conditions" TEXT,
    "reason" TEXT,
    "invitedById" UUID,
    "invitedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "respondedById" UUID,
    "respondedAt" TIMESTAMPTZ(3),
    "endedAt" TIMESTAMPTZ(3),

    CONSTRAINT "OperationParticipant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OperationPhaseChange" (
    "id" UUID NOT NULL,
    "operationId" UUID NOT NULL,
    "fromPhase" "OperationPhase",
    "toPhase" "OperationPhase" NOT NULL,
    "note" TEXT,
    "changedById" UUID NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OperationPhaseChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OperationIntelLink" (
    "operationId" UUID NOT NULL,
    "reportId" UUID NOT NULL,
    "note" TEXT,
    "linkedById" UUID NOT NULL,
    "linkedAgencyId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OperationIntelLink_pkey" PRIMARY KEY ("operationId","reportId")
);

-- CreateTable
CREATE TABLE "OperationTask" (
    "id" UUID NOT NULL,
    "operationId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "assigneeAgencyId" UUID NOT NULL,
    "assigneeUserId" UUID,
    "dueAt" TIMESTAMPTZ(3),
    "status" "TaskStatus" NOT NULL DEFAULT 'OPEN',
    "outcome" TEXT,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "OperationTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OperationTaskComment" (
    "id" UUID NOT NULL,
    "taskId" UUID NOT NULL,
    "authorId" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OperationTaskComment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OperationLogEntry" (
    "id" UUID NOT NULL,
    "operationId" UUID NOT NULL,
    "kind" "OperationLogKind" NOT NULL,
    "event" TEXT,
    "body" TEXT,
    "data" JSONB,
    "actorId" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seq" BIGSERIAL NOT NULL,

    CONSTRAINT "OperationLogEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OperationResult" (
    "id" UUID NOT NULL,
    "operationId" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "kind" "ResultKind" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "occurredOn" DATE,
    "description" TEXT,
    "productCategory" "ProductCategory",
    "hsCode" TEXT,
    "quantity" DECIMAL(18,3),
    "unit" "QuantityUnit",
    "marketValue" DECIMAL(18,2),
    "currency" TEXT,
    "valuationDate" DATE,
    "detectionPoint" "DetectionPoint",
    "recordedById" UUID NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "correctsId" UUID,
    "correctionReason" TEXT,
    "supersededAt" TIMESTAMPTZ(3),

    CONSTRAINT "OperationResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "userId" UUID,
    "kind" "NotificationKind" NOT NULL,
    "operationId" UUID,
    "subjectId" UUID,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Operation_codeName_key" ON "Operation"("codeName");

-- CreateIndex
CREATE INDEX "Operation_leadAgencyId_idx" ON "Operation"("leadAgencyId");

-- CreateIndex
CREATE INDEX "Operation_phase_idx" ON "Operation"("phase");

-- CreateIndex
CREATE INDEX "OperationParticipant_agencyId_status_idx" ON "OperationParticipant"("agencyId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "OperationParticipant_operationId_agencyId_key" ON "OperationParticipant"("operationId", "agencyId");

-- CreateIndex
CREATE INDEX "OperationPhaseChange_operationId_changedAt_idx" ON "OperationPhaseChange"("operationId", "changedAt");

-- CreateIndex
CREATE INDEX "OperationIntelLink_reportId_idx" ON "OperationIntelLink"("reportId");

-- CreateIndex
CREATE INDEX "OperationTask_operationId_status_idx" ON "OperationTask"("operationId", "status");

-- CreateIndex
CREATE INDEX "OperationTask_assigneeAgencyId_status_idx" ON "OperationTask"("assigneeAgencyId", "status");

-- CreateIndex
CREATE INDEX "OperationTaskComment_taskId_createdAt_idx" ON "OperationTaskComment"("taskId", "createdAt");

-- CreateIndex
CREATE INDEX "OperationLogEntry_operationId_seq_idx" ON "OperationLogEntry"("operationId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "OperationResult_correctsId_key" ON "OperationResult"("correctsId");

-- CreateIndex
CREATE INDEX "OperationResult_operationId_supersededAt_idx" ON "OperationResult"("operationId", "supersededAt");

-- CreateIndex
CREATE INDEX "Notification_agencyId_createdAt_idx" ON "Notification"("agencyId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "Operation" ADD CONSTRAINT "Operation_leadAgencyId_fkey" FOREIGN KEY ("leadAgencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Operation" ADD CONSTRAINT "Operation_proposedById_fkey" FOREIGN KEY ("proposedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationParticipant" ADD CONSTRAINT "OperationParticipant_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationParticipant" ADD CONSTRAINT "OperationParticipant_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationParticipant" ADD CONSTRAINT "OperationParticipant_invitedById_fkey" FOREIGN KEY ("invitedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationParticipant" ADD CONSTRAINT "OperationParticipant_respondedById_fkey" FOREIGN KEY ("respondedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationPhaseChange" ADD CONSTRAINT "OperationPhaseChange_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationPhaseChange" ADD CONSTRAINT "OperationPhaseChange_changedById_fkey" FOREIGN KEY ("changedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationIntelLink" ADD CONSTRAINT "OperationIntelLink_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationIntelLink" ADD CONSTRAINT "OperationIntelLink_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "IntelReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationIntelLink" ADD CONSTRAINT "OperationIntelLink_linkedById_fkey" FOREIGN KEY ("linkedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationIntelLink" ADD CONSTRAINT "OperationIntelLink_linkedAgencyId_fkey" FOREIGN KEY ("linkedAgencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationTask" ADD CONSTRAINT "OperationTask_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationTask" ADD CONSTRAINT "OperationTask_assigneeAgencyId_fkey" FOREIGN KEY ("assigneeAgencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationTask" ADD CONSTRAINT "OperationTask_assigneeUserId_fkey" FOREIGN KEY ("assigneeUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationTask" ADD CONSTRAINT "OperationTask_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationTaskComment" ADD CONSTRAINT "OperationTaskComment_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "OperationTask"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationTaskComment" ADD CONSTRAINT "OperationTaskComment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationTaskComment" ADD CONSTRAINT "OperationTaskComment_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationLogEntry" ADD CONSTRAINT "OperationLogEntry_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationLogEntry" ADD CONSTRAINT "OperationLogEntry_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationLogEntry" ADD CONSTRAINT "OperationLogEntry_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationResult" ADD CONSTRAINT "OperationResult_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationResult" ADD CONSTRAINT "OperationResult_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationResult" ADD CONSTRAINT "OperationResult_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperationResult" ADD CONSTRAINT "OperationResult_correctsId_fkey" FOREIGN KEY ("correctsId") REFERENCES "OperationResult"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The operation log and task comments are the record of what was said and done: rows are
-- added, never changed or removed.
CREATE FUNCTION "refuse_change_of_append_only_table"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "OperationLogEntry_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "OperationLogEntry"
  FOR EACH ROW EXECUTE FUNCTION "refuse_change_of_append_only_table"();

CREATE TRIGGER "OperationTaskComment_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "OperationTaskComment"
  FOR EACH ROW EXECUTE FUNCTION "refuse_change_of_append_only_table"();

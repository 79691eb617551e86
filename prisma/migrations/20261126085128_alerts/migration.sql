-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('INTEL_PUBLISHED', 'INTEL_UPDATED', 'INTEL_RETRACTED', 'CORRELATION_FOUND', 'MATCH_FOUND', 'ACCESS_REQUESTED', 'ACCESS_DECIDED', 'SIGHTING_REPORTED', 'OPERATION_INVITATION', 'OPERATION_PHASE_CHANGED', 'TASK_ASSIGNED', 'OPERATION_MESSAGE', 'REGISTRATION_CONFIRMED', 'REGISTRATION_PROMOTED', 'REGISTRATION_DECLINED', 'EVENT_CHANGED', 'EVENT_CANCELLED', 'BROADCAST');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('INFO', 'WARNING', 'URGENT');

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

-- DropForeignKey
ALTER TABLE "Notification" DROP CONSTRAINT "Notification_agencyId_fkey";

-- DropForeignKey
ALTER TABLE "Notification" DROP CONSTRAINT "Notification_operationId_fkey";

-- DropForeignKey
ALTER TABLE "Notification" DROP CONSTRAINT "Notification_userId_fkey";

-- DropTable
DROP TABLE "Notification";

-- DropEnum
DROP TYPE "NotificationKind";

-- CreateTable
CREATE TABLE "Alert" (
    "cursor" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "kind" "AlertKind" NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "title" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "originAgencyId" UUID,
    "regions" "Region"[],
    "categories" "ProductCategory"[],
    "reportId" UUID,
    "operationId" UUID,
    "forumEventId" UUID,
    "recipientAgencyId" UUID,
    "recipientUserId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("cursor")
);

-- CreateTable
CREATE TABLE "AlertRule" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kinds" "AlertKind"[],
    "severities" "AlertSeverity"[],
    "regions" "Region"[],
    "categories" "ProductCategory"[],
    "originAgencyIds" UUID[],
    "createdAfter" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AlertRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertInbox" (
    "userId" UUID NOT NULL,
    "acknowledgedThrough" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AlertInbox_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "AlertAck" (
    "userId" UUID NOT NULL,
    "cursor" BIGINT NOT NULL,
    "acknowledgedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertAck_pkey" PRIMARY KEY ("userId","cursor")
);

-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "createdById" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT,
    "secret" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "kinds" "AlertKind"[],
    "severities" "AlertSeverity"[],
    "regions" "Region"[],
    "categories" "ProductCategory"[],
    "originAgencyIds" UUID[],
    "scannedThrough" BIGINT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "WebhookEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" UUID NOT NULL,
    "endpointId" UUID NOT NULL,
    "cursor" BIGINT NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Alert_id_key" ON "Alert"("id");

-- CreateIndex
CREATE INDEX "Alert_recipientUserId_cursor_idx" ON "Alert"("recipientUserId", "cursor");

-- CreateIndex
CREATE INDEX "Alert_recipientAgencyId_cursor_idx" ON "Alert"("recipientAgencyId", "cursor");

-- CreateIndex
CREATE INDEX "Alert_reportId_idx" ON "Alert"("reportId");

-- CreateIndex
CREATE INDEX "Alert_operationId_idx" ON "Alert"("operationId");

-- CreateIndex
CREATE INDEX "Alert_forumEventId_idx" ON "Alert"("forumEventId");

-- CreateIndex
CREATE UNIQUE INDEX "AlertRule_userId_name_key" ON "AlertRule"("userId", "name");

-- CreateIndex
CREATE INDEX "WebhookEndpoint_agencyId_idx" ON "WebhookEndpoint"("agencyId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_endpointId_cursor_key" ON "WebhookDelivery"("endpointId", "cursor");

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_originAgencyId_fkey" FOREIGN KEY ("originAgencyId") REFERENCES "Agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "IntelReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_forumEventId_fkey" FOREIGN KEY ("forumEventId") REFERENCES "ForumEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_recipientAgencyId_fkey" FOREIGN KEY ("recipientAgencyId") REFERENCES "Agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_recipientUserId_fkey" FOREIGN KEY ("recipientUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertRule" ADD CONSTRAINT "AlertRule_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertInbox" ADD CONSTRAINT "AlertInbox_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertAck" ADD CONSTRAINT "AlertAck_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertAck" ADD CONSTRAINT "AlertAck_cursor_fkey" FOREIGN KEY ("cursor") REFERENCES "Alert"("cursor") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookEndpoint" ADD CONSTRAINT "WebhookEndpoint_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookEndpoint" ADD CONSTRAINT "WebhookEndpoint_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_cursor_fkey" FOREIGN KEY ("cursor") REFERENCES "Alert"("cursor") ON DELETE CASCADE ON UPDATE CASCADE;

-- Alert cursors follow commit order: every writer takes this transaction-scoped lock just before
-- inserting, so an alert with a lower cursor can never commit after one with a higher cursor and
-- a reader resuming "after N" never skips one. Writers insert alerts as their last step.
CREATE FUNCTION alert_log_lock() RETURNS void LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(7165001)
$$;

-- Forum outbox messages to members also become alerts, in the same transaction, whichever path
-- wrote them (services, or the forum_place_seats function).
CREATE FUNCTION forum_message_alert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  reg "ForumRegistration"%ROWTYPE;
  ev "ForumEvent"%ROWTYPE;
BEGIN
  IF NEW."registrationId" IS NULL OR NEW.kind::text NOT IN (
       'REGISTRATION_CONFIRMED', 'REGISTRATION_PROMOTED', 'REGISTRATION_DECLINED',
       'EVENT_CHANGED', 'EVENT_CANCELLED') THEN
    RETURN NULL;
  END IF;
  SELECT * INTO reg FROM "ForumRegistration" WHERE id = NEW."registrationId";
  IF reg."userId" IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT * INTO ev FROM "ForumEvent" WHERE id = NEW."eventId";
  PERFORM alert_log_lock();
  INSERT INTO "Alert" (id, kind, severity, title, data, "originAgencyId", regions, "forumEventId",
                       "recipientUserId")
  VALUES (
    gen_random_uuid(),
    NEW.kind::text::"AlertKind",
    (CASE NEW.kind::text
       WHEN 'EVENT_CANCELLED' THEN 'WARNING'
       WHEN 'REGISTRATION_DECLINED' THEN 'WARNING'
       ELSE 'INFO' END)::"AlertSeverity",
    CASE reg.locale
      WHEN 'zh-Hans' THEN ev."nameZhHans"
      WHEN 'zh-Hant' THEN ev."nameZhHant"
      ELSE ev."nameEn" END,
    jsonb_build_object('eventId', ev.id, 'registrationId', reg.id, 'startsAt', ev."startsAt")
      || COALESCE(NEW.data::jsonb, '{}'::jsonb),
    ev."organizerAgencyId",
    (SELECT a.regions FROM "Agency" a WHERE a.id = ev."organizerAgencyId"),
    ev.id,
    reg."userId");
  RETURN NULL;
END
$$;

CREATE TRIGGER "ForumMessage_alert" AFTER INSERT ON "ForumMessage"
  FOR EACH ROW EXECUTE FUNCTION forum_message_alert();

-- CreateEnum
CREATE TYPE "ForumEventKind" AS ENUM ('FORUM', 'WORKSHOP', 'TRAINING', 'MEETING');

-- CreateEnum
CREATE TYPE "ForumVisibility" AS ENUM ('PUBLIC', 'NETWORK', 'INVITATION_ONLY');

-- CreateEnum
CREATE TYPE "ForumEventStatus" AS ENUM ('DRAFT', 'OPEN', 'CLOSED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "RegistrationType" AS ENUM ('DELEGATE', 'SPEAKER', 'OBSERVER', 'PRESS');

-- CreateEnum
CREATE TYPE "RegistrationStatus" AS ENUM ('PENDING_APPROVAL', 'CONFIRMED', 'WAITLISTED', 'DECLINED', 'CANCELLED', 'CHECKED_IN');

-- CreateEnum
CREATE TYPE "ApprovalStage" AS ENUM ('AGENCY', 'ORGANIZER');

-- CreateEnum
CREATE TYPE "ForumMessageKind" AS ENUM ('REGISTRATION_RECEIVED', 'REGISTRATION_CONFIRMED', 'REGISTRATION_WAITLISTED', 'REGISTRATION_PROMOTED', 'REGISTRATION_DECLINED', 'REGISTRATION_CANCELLED', 'INVITED', 'EVENT_CHANGED', 'EVENT_CANCELLED');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "ForumEvent" (
    "id" UUID NOT NULL,
    "organizerAgencyId" UUID NOT NULL,
    "createdById" UUID NOT NULL,
    "kind" "ForumEventKind" NOT NULL,
    "nameEn" TEXT NOT NULL,
    "nameZhHans" TEXT NOT NULL,
    "nameZhHant" TEXT NOT NULL,
    "namePt" TEXT,
    "descriptionEn" TEXT NOT NULL,
    "descriptionZhHans" TEXT NOT NULL,
    "descriptionZhHant" TEXT NOT NULL,
    "descriptionPt" TEXT,
    "venue" TEXT,
    "onlineUrl" TEXT,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "timeZone" TEXT NOT NULL,
    "registrationOpensAt" TIMESTAMPTZ(3) NOT NULL,
    "registrationClosesAt" TIMESTAMPTZ(3) NOT NULL,
    "visibility" "ForumVisibility" NOT NULL,
    "status" "ForumEventStatus" NOT NULL DEFAULT 'DRAFT',
    "capacity" INTEGER NOT NULL,
    "agencyQuota" INTEGER,
    "waitingList" BOOLEAN NOT NULL DEFAULT true,
    "requiresApproval" BOOLEAN NOT NULL DEFAULT false,
    "requiresAgencyApproval" BOOLEAN NOT NULL DEFAULT false,
    "cancelReason" TEXT,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ForumEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ForumSession" (
    "id" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "titleEn" TEXT NOT NULL,
    "titleZhHans" TEXT NOT NULL,
    "titleZhHant" TEXT NOT NULL,
    "titlePt" TEXT,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "room" TEXT,
    "capacity" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ForumSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ForumAgencyQuota" (
    "eventId" UUID NOT NULL,
    "agencyId" UUID NOT NULL,
    "seats" INTEGER NOT NULL,

    CONSTRAINT "ForumAgencyQuota_pkey" PRIMARY KEY ("eventId","agencyId")
);

-- CreateTable
CREATE TABLE "ForumRequest" (
    "id" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "requesterKey" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "agencyId" UUID,
    "invitation" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ForumRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ForumRegistration" (
    "id" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "userId" UUID,
    "agencyId" UUID,
    "personKey" TEXT,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "organisation" TEXT,
    "country" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'en',
    "type" "RegistrationType" NOT NULL,
    "status" "RegistrationStatus" NOT NULL,
    "approvalStage" "ApprovalStage",
    "listConsent" BOOLEAN NOT NULL DEFAULT false,
    "checkInCode" TEXT NOT NULL,
    "invitedById" UUID,
    "nominatedById" UUID,
    "agencyDecidedById" UUID,
    "agencyDecidedAt" TIMESTAMPTZ(3),
    "decidedById" UUID,
    "decidedAt" TIMESTAMPTZ(3),
    "declineReason" TEXT,
    "waitlistedAt" TIMESTAMPTZ(3),
    "confirmedAt" TIMESTAMPTZ(3),
    "cancelledAt" TIMESTAMPTZ(3),
    "checkedInAt" TIMESTAMPTZ(3),
    "checkedInById" UUID,
    "erasedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ForumRegistration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ForumSessionChoice" (
    "registrationId" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "checkedInAt" TIMESTAMPTZ(3),

    CONSTRAINT "ForumSessionChoice_pkey" PRIMARY KEY ("registrationId","sessionId")
);

-- CreateTable
CREATE TABLE "ForumMessage" (
    "id" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "registrationId" UUID,
    "kind" "ForumMessageKind" NOT NULL,
    "recipient" TEXT,
    "locale" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "sentAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ForumMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ForumEvent_status_startsAt_idx" ON "ForumEvent"("status", "startsAt");

-- CreateIndex
CREATE INDEX "ForumEvent_organizerAgencyId_idx" ON "ForumEvent"("organizerAgencyId");

-- CreateIndex
CREATE INDEX "ForumSession_eventId_startsAt_idx" ON "ForumSession"("eventId", "startsAt");

-- CreateIndex
CREATE INDEX "ForumRequest_eventId_seq_idx" ON "ForumRequest"("eventId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "ForumRequest_requesterKey_idempotencyKey_key" ON "ForumRequest"("requesterKey", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "ForumRegistration_checkInCode_key" ON "ForumRegistration"("checkInCode");

-- CreateIndex
CREATE INDEX "ForumRegistration_eventId_status_idx" ON "ForumRegistration"("eventId", "status");

-- CreateIndex
CREATE INDEX "ForumRegistration_userId_idx" ON "ForumRegistration"("userId");

-- CreateIndex
CREATE INDEX "ForumRegistration_requestId_idx" ON "ForumRegistration"("requestId");

-- CreateIndex
CREATE INDEX "ForumSessionChoice_sessionId_idx" ON "ForumSessionChoice"("sessionId");

-- CreateIndex
CREATE INDEX "ForumMessage_status_nextAttemptAt_idx" ON "ForumMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "ForumMessage_registrationId_idx" ON "ForumMessage"("registrationId");

-- AddForeignKey
ALTER TABLE "ForumEvent" ADD CONSTRAINT "ForumEvent_organizerAgencyId_fkey" FOREIGN KEY ("organizerAgencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumEvent" ADD CONSTRAINT "ForumEvent_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumSession" ADD CONSTRAINT "ForumSession_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "ForumEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumAgencyQuota" ADD CONSTRAINT "ForumAgencyQuota_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "ForumEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumAgencyQuota" ADD CONSTRAINT "ForumAgencyQuota_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumRequest" ADD CONSTRAINT "ForumRequest_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "ForumEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumRequest" ADD CONSTRAINT "ForumRequest_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumRegistration" ADD CONSTRAINT "ForumRegistration_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "ForumEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumRegistration" ADD CONSTRAINT "ForumRegistration_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ForumRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumRegistration" ADD CONSTRAINT "ForumRegistration_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumRegistration" ADD CONSTRAINT "ForumRegistration_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumRegistration" ADD CONSTRAINT "ForumRegistration_invitedById_fkey" FOREIGN KEY ("invitedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumRegistration" ADD CONSTRAINT "ForumRegistration_nominatedById_fkey" FOREIGN KEY ("nominatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumSessionChoice" ADD CONSTRAINT "ForumSessionChoice_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "ForumRegistration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumSessionChoice" ADD CONSTRAINT "ForumSessionChoice_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "ForumSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumMessage" ADD CONSTRAINT "ForumMessage_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "ForumEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForumMessage" ADD CONSTRAINT "ForumMessage_registrationId_fkey" FOREIGN KEY ("registrationId") REFERENCES "ForumRegistration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One active registration per person and event. Cancelled, declined and erased ones leave room.
CREATE UNIQUE INDEX "ForumRegistration_one_active_per_person"
  ON "ForumRegistration" ("eventId", "personKey")
  WHERE "personKey" IS NOT NULL
    AND "status" IN ('PENDING_APPROVAL', 'CONFIRMED', 'WAITLISTED', 'CHECKED_IN');

-- Seats are placed here, and only here: one statement that locks the event row, so that under
-- any concurrency confirmed seats never exceed the event's capacity, an agency's quota or a
-- session's capacity. It walks the waiting list first come, first served, and confirms every
-- entry (request) that fits as a whole; an entry that does not fit waits and later ones may
-- still pass (the next eligible entry). Invitations are exempt from delegation quotas.
-- Each confirmation and each new place in line writes its message to the outbox.
-- p_request: the request just made; when the event keeps no waiting list and it did not fit,
-- it is removed (the caller answers "full").
-- Returns the registrations confirmed by this pass.
CREATE FUNCTION "forum_place_seats"(p_event uuid, p_request uuid) RETURNS SETOF uuid AS $$
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
        FROM "ForumRegistration" g WHERE g.id = ANY (entry.regs);
    taken := taken + entry.n;
    RETURN QUERY SELECT unnest(entry.regs);
  END LOOP;

  IF p_request IS NOT NULL AND NOT ev."waitingList" THEN
    DELETE FROM "ForumRequest" r WHERE r.id = p_request AND NOT EXISTS (
      SELECT 1 FROM "ForumRegistration" g WHERE g."requestId" = r.id AND g.status <> 'WAITLISTED');
  END IF;

  WITH queued AS (
    UPDATE "ForumRegistration" SET "waitlistedAt" = now(), "updatedAt" = now()
     WHERE "eventId" = p_event AND status = 'WAITLISTED' AND "waitlistedAt" IS NULL
    RETURNING id, email, locale)
  INSERT INTO "ForumMessage" (id, "eventId", "registrationId", kind, recipient, locale)
    SELECT gen_random_uuid(), p_event, id, 'REGISTRATION_WAITLISTED', email, locale FROM queued;
END;
$$ LANGUAGE plpgsql;

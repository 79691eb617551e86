-- Seat placement for forum events: the one source of this function. Change it here, then
-- `npm run db:migration -- <name>` writes a migration that carries the new definition, and
-- tests/contract.test.ts checks that the latest migration defining it matches this file.
--
-- Places waiting entries in seats, first come first served, under the event's row lock (taken
-- FOR UPDATE here, and by every change to the event before it calls this), and answers the ids
-- of the registrations it confirmed. A guest who has not confirmed the e-mail address holds a
-- place but hears nothing until then: placement writes no message for them (confirmation sends
-- the one their place calls for). See docs/forums.md.
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

-- The lock order of forum registrations, kept beside the function that sets it.
COMMENT ON FUNCTION "forum_place_seats"(uuid, uuid) IS
'Places waiting entries in seats; the only writer of seats. Lock order: the ForumEvent row first (FOR UPDATE here), then ForumRegistration rows. Every other transaction that changes registrations and writes ForumMessage rows takes the event row FOR KEY SHARE before locking any registration (lockEventForRegistrations in src/modules/forums/outbox.ts), so it never holds a registration that this function waits for.';

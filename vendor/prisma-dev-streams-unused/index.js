// `prisma dev` (Prisma's local Postgres server) is the only user of @prisma/streams-local, whose
// published versions need Node 22. GBA IPNet runs its embedded database in process (PGlite) and
// never starts `prisma dev`, so this package replaces it through `overrides` in package.json.
export async function startLocalDurableStreamsServer() {
  throw new Error(
    '`prisma dev` is not part of GBA IPNet: the embedded database is PGlite, started by `npm start` (see docs/development.md).',
  );
}

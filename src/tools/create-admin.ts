// `node dist/tools/create-admin.js` (or `npm run admin:create --`): the first network
// administrator of a new deployment. A production database starts empty and every account is
// made by an administrator, so the first one is made here, with the agency that runs the
// network (its secretariat, which takes part in no region's sharing until an admin adds one).
// It refuses once the network has an administrator: later accounts are made in the API.
//
//   ADMIN_PASSWORD=… node dist/tools/create-admin.js \
//     --email admin@secretariat.example --name "Network Admin" \
//     --agency-slug secretariat --agency-name "GBA IPNet Secretariat"
//
// Without ADMIN_PASSWORD a password is generated and printed once.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { fail, runOnDatabase, toolConfig } from './tool.js';

const usage = `Usage: create-admin --email ADDRESS --name "DISPLAY NAME" --agency-slug SLUG --agency-name "NAME"
  [--agency-name-zh-hans NAME] [--agency-name-zh-hant NAME] [--jurisdiction TEXT]
The password is read from ADMIN_PASSWORD, or generated and printed once.`;

toolConfig();

const { isUniqueViolation, prisma } = await import('../db.js');
const { agencyFields } = await import('../modules/agencies/agency.validation.js');
const { displayNameSchema, newPasswordSchema } = await import(
  '../modules/users/user.validation.js'
);
const { hashPassword } = await import('../modules/auth/password.js');
const { normaliseEmail } = await import('../modules/auth/auth.service.js');

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      'agency-slug': { type: 'string' },
      'agency-name': { type: 'string' },
      'agency-name-zh-hans': { type: 'string' },
      'agency-name-zh-hant': { type: 'string' },
      jurisdiction: { type: 'string' },
      help: { type: 'boolean' },
    },
  }).values;
}
try {
  args = parse();
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`);
}
if (args.help) {
  console.log(usage);
  process.exit(0);
}

const generated = !process.env.ADMIN_PASSWORD;
const input = z
  .object({
    email: z.email({ error: 'is not an e-mail address' }),
    name: displayNameSchema,
    password: newPasswordSchema,
    slug: agencyFields.slug,
    nameEn: agencyFields.nameEn,
    nameZhHans: agencyFields.nameZhHans,
    nameZhHant: agencyFields.nameZhHant,
    jurisdiction: z.string().trim().max(200),
  })
  .safeParse({
    email: args.email,
    name: args.name,
    password: process.env.ADMIN_PASSWORD ?? randomBytes(18).toString('base64url'),
    slug: args['agency-slug'],
    nameEn: args['agency-name'],
    // The Chinese names default to the English one; an admin corrects them in the API.
    nameZhHans: args['agency-name-zh-hans'] ?? args['agency-name'],
    nameZhHant: args['agency-name-zh-hant'] ?? args['agency-name'],
    jurisdiction: args.jurisdiction ?? '',
  });
if (!input.success) {
  const problems = input.error.issues.map((i) => `  ${i.path.join('.') || 'input'}: ${i.message}`);
  fail(`Cannot create the administrator:\n${problems.join('\n')}\n${usage}`);
}
const { email, name, password, ...agency } = input.data;

await runOnDatabase(
  async () => {
    const created = await prisma.$transaction(async (tx) => {
      // One bootstrap at a time: a second run waits here, then finds the first one's admin.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('ipnet:create-admin'))`;
      const existing = await tx.user.count({ where: { roles: { has: 'NETWORK_ADMIN' } } });
      if (existing > 0) return null;
      const home = await tx.agency.upsert({
        where: { slug: agency.slug },
        create: { ...agency, kind: 'OTHER', regions: [] },
        update: {},
      });
      return tx.user.create({
        data: {
          email: normaliseEmail(email),
          displayName: name,
          passwordHash: await hashPassword(password),
          roles: ['NETWORK_ADMIN', 'AGENCY_ADMIN'],
          agencyId: home.id,
        },
        select: { email: true, agency: { select: { slug: true } } },
      });
    });
    if (!created) {
      return {
        ok: false,
        message:
          'The network already has an administrator: sign in as them and create accounts with createUser.',
      };
    }
    return {
      ok: true,
      message:
        `Created ${created.email}, network and agency admin of ${created.agency.slug}.` +
        (generated ? `\nPassword (shown once; change it after signing in): ${password}` : ''),
    };
  },
  (error) =>
    isUniqueViolation(error)
      ? `${email} is already the sign-in address of an account.`
      : `Cannot create the administrator: ${(error as Error).message}`,
);

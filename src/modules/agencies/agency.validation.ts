import { z } from 'zod';
import { AgencyKind, Region } from '../../generated/prisma/enums.js';

const name = (language: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `give the ${language} name` })
    .max(200, { error: 'must be at most 200 characters long' });

export const agencySlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, {
    error: 'must be 1 to 40 lower-case letters, digits or hyphens, e.g. hk-customs',
  });

export const agencyFields = {
  slug: agencySlugSchema,
  nameEn: name('English'),
  nameZhHans: name('Simplified Chinese'),
  nameZhHant: name('Traditional Chinese'),
  namePt: name('Portuguese').nullish(),
  kind: z.enum(AgencyKind),
  jurisdiction: z.string(),
  regions: z
    .array(z.enum(Region))
    .min(1, { error: 'choose at least one region' })
    .transform((regions) => [...new Set(regions)]),
};

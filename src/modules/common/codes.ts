import { z } from 'zod';

// Shared validators for the standard codes the network speaks (see docs/data-model.md).

export const hsCode = z
  .string()
  .trim()
  .transform((code) => code.replace(/[.\s]/g, ''))
  .refine((code) => /^\d{4}(\d{2}){0,3}$/.test(code), {
    error: 'must be an HS code of 4, 6, 8 or 10 digits, e.g. 8507.60',
  });

/** Required free text: trimmed, not empty, bounded. */
export const text = (label: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: `give the ${label}` })
    .max(max, { error: `must be at most ${max} characters long` });

/** Optional free text: trimmed and bounded; empty becomes null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `must be at most ${max} characters long` })
    .nullish()
    .transform((value) => (value ? value : null));

const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

/** An IANA time zone name. */
export const timeZone = z
  .string()
  .trim()
  .refine((zone) => TIME_ZONES.has(zone), {
    error: 'must be an IANA time zone such as Asia/Hong_Kong, Asia/Shanghai or Asia/Macau',
  });

/** A reason someone must give: declining, withdrawing, retracting, cancelling, correcting. */
export const reason = z
  .string()
  .trim()
  .min(5, { error: 'say why, in at least 5 characters' })
  .max(2000, { error: 'must be at most 2000 characters long' });

/**
 * A global ID argument, already decoded by the Relay plugin (`t.globalID`): the schema passes it
 * through and gives it its type, so that resolvers read `.id` without a cast.
 */
export const globalIdArg = z.custom<{ id: string; typename: string }>(
  (value) => typeof (value as { id?: unknown } | null)?.id === 'string',
);

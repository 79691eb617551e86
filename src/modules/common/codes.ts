import countries from 'i18n-iso-countries';
import { z } from 'zod';

// Shared validators for the standard codes the network speaks (see docs/data-model.md).

/** ISO 3166-1 alpha-2 (`HK`) or ISO 3166-2 subdivision (`CN-GD`); normalised to upper case. */
export const jurisdictionSchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine((code) => /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(code), {
    error: 'must be an ISO 3166 code such as HK, MO, MY or CN-GD',
  })
  .refine((code) => countries.isValid(code.slice(0, 2)), {
    error: 'does not start with an ISO 3166-1 country code',
  });

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const currency = z
  .string()
  .trim()
  .toUpperCase()
  .refine((code) => CURRENCIES.has(code), {
    error: 'must be an ISO 4217 currency code such as CNY, HKD, MOP or USD',
  });

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

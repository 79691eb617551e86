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

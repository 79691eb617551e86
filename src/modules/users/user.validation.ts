import { z } from 'zod';
import { Role } from '../../generated/prisma/enums.js';
import { PASSWORD_MIN_LENGTH } from '../auth/password.js';
import { LOCALES } from '../i18n/locale.js';

export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { error: `must be at least ${PASSWORD_MIN_LENGTH} characters long` })
  .max(256, { error: 'must be at most 256 characters long' });

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(120, { error: 'must be at most 120 characters long' });

export const rolesSchema = z
  .array(z.enum(Role))
  .min(1, { error: 'give the user at least one role' })
  .transform((roles) => [...new Set(roles)]);

export const localeSchema = z.enum(LOCALES, { error: `must be one of ${LOCALES.join(', ')}` });

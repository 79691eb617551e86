import { z } from 'zod';
import {
  AudienceScope,
  IpRight,
  ObservableType,
  Pap,
  ProductCategory,
  Region,
  SourceReliability,
  Tlp,
} from '../../generated/prisma/enums.js';
import { globalIdArg, hsCode, text } from '../common/codes.js';
import { normaliseObservable } from './observables.js';

const languageTag = z
  .string()
  .trim()
  .refine(
    (tag) => {
      try {
        return Intl.getCanonicalLocales(tag).length === 1;
      } catch {
        return false;
      }
    },
    { error: 'must be a BCP 47 language tag such as zh-Hant, zh-Hans, en or pt' },
  )
  .transform((tag) => Intl.getCanonicalLocales(tag)[0] ?? tag);

export const observableInput = z
  .object({
    type: z.enum(ObservableType),
    value: z.string(),
    note: z.string().trim().max(500).nullish(),
  })
  .transform((item, ctx) => {
    const result = normaliseObservable(item.type, item.value);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: result.message });
      return z.NEVER;
    }
    return { type: item.type, value: result.value, note: item.note ?? null };
  });

export const audienceInput = z.object({
  scope: z.enum(AudienceScope),
  regions: z.array(z.enum(Region)).nullish(),
  agencyIds: z.array(globalIdArg).nullish(),
  recipientIds: z.array(globalIdArg).nullish(),
});

const reportFields = {
  title: text('title', 300),
  summary: text('summary', 20_000),
  language: languageTag,
  ipRight: z.enum(IpRight),
  category: z.enum(ProductCategory),
  hsCode: hsCode.nullish(),
  brands: z.array(text('brand', 120)).max(50).nullish(),
  observedCountry: z.string().nullish(),
  route: z
    .object({
      origin: z.string().nullish(),
      transit: z.array(z.string()).max(20).nullish(),
      destination: z.string().nullish(),
    })
    .nullish(),
  observedFrom: z.date().nullish(),
  observedTo: z.date().nullish(),
  estimatedQuantity: z.number().int().min(0, { error: 'cannot be negative' }).nullish(),
  quantityUnit: text('unit', 30).nullish(),
  estimatedValue: z
    .object({
      amount: z
        .string()
        .trim()
        .regex(/^\d{1,16}(\.\d{1,2})?$/, { error: 'must be a decimal amount such as 125000.50' }),
      currency: z.string(),
    })
    .nullish(),
  sourceReliability: z.enum(SourceReliability),
  infoCredibility: z
    .number()
    .int()
    .min(1, { error: 'must be 1 (confirmed) to 6 (cannot be judged)' })
    .max(6, { error: 'must be 1 (confirmed) to 6 (cannot be judged)' }),
  tlp: z.enum(Tlp),
  pap: z.enum(Pap),
  audience: audienceInput,
  matchingOptOut: z.boolean().nullish(),
};

/** observedFrom ≤ observedTo, checked even when other fields fail, so all problems show at once. */
function windowInOrder(report: { observedFrom?: unknown; observedTo?: unknown }): boolean {
  return !(
    report.observedFrom instanceof Date &&
    report.observedTo instanceof Date &&
    report.observedFrom > report.observedTo
  );
}

const windowCheck = {
  path: ['observedTo'],
  error: 'must not be before observedFrom',
  when: () => true,
};

export const createReportInput = z
  .object({ ...reportFields, observables: z.array(observableInput).max(500).nullish() })
  .refine(windowInOrder, windowCheck);

export const updateReportInput = z
  .object(reportFields)
  .partial()
  .refine(windowInOrder, windowCheck);

export const observablesInput = z.array(observableInput).min(1).max(500);

import { z } from 'zod';
import {
  DetectionPoint,
  ProductCategory,
  QuantityUnit,
  Region,
  ResultKind,
  TaskStatus,
  Tlp,
} from '../../generated/prisma/enums.js';

import { globalIdArg, hsCode, optionalText, text, timeZone } from '../common/codes.js';

// Input rules of joint operations, checked as whole inputs so that every problem is reported
// at once. Rules that need the database (phases, membership) live in the services.

const codeName = z
  .string()
  .trim()
  .transform((name) => name.replace(/\s+/g, ' ').toUpperCase())
  .pipe(
    z
      .string()
      .min(2, { error: 'give a code name of at least 2 characters' })
      .max(60, { error: 'must be at most 60 characters long' }),
  );

const operationFields = {
  codeName,
  title: text('title', 300),
  objective: text('objective', 10_000),
  legalBasis: optionalText(10_000),
  targetCountries: z.array(z.string()).max(60).nullish(),
  targetRegions: z.array(z.enum(Region)).nullish(),
  plannedStart: z.date(),
  plannedEnd: z.date(),
  timeZone,
  tlp: z.enum(Tlp),
};

function windowInOrder(
  value: { plannedStart?: Date | null; plannedEnd?: Date | null },
  ctx: z.RefinementCtx,
) {
  if (value.plannedStart && value.plannedEnd && value.plannedEnd <= value.plannedStart) {
    ctx.addIssue({
      code: 'custom',
      path: ['plannedEnd'],
      message: 'must be after plannedStart',
    });
  }
}

export const proposeOperationInput = z.object(operationFields).superRefine(windowInOrder);

// partial(): a field left out stays undefined (it is not run through its transform to null).
export const updateOperationInput = z.object(operationFields).partial().superRefine(windowInOrder);

export const invitationMessage = optionalText(2000);

export const note = optionalText(2000);

export const messageBody = text('message', 10_000);

export const taskInput = z.object({
  title: text('title', 300),
  description: optionalText(10_000),
  assigneeAgencyId: globalIdArg,
  assigneeUserId: globalIdArg.nullish(),
  dueAt: z.date().nullish(),
});

export const taskChanges = z.object({
  title: text('title', 300).optional(),
  description: optionalText(10_000).optional(),
  assigneeAgencyId: globalIdArg.optional(),
  assigneeUserId: globalIdArg.nullish(),
  dueAt: z.date().nullish(),
  status: z.enum(TaskStatus).optional(),
  outcome: optionalText(10_000).optional(),
});

const decimal = (label: string, scale: number) =>
  z
    .string()
    .trim()
    .refine((value) => new RegExp(`^\\d{1,15}(\\.\\d{1,${scale}})?$`).test(value), {
      error: `must be a positive decimal ${label} with at most ${scale} decimals, e.g. "1250.5"`,
    });

/** A date without time (a valuation date, the day a result happened). */
const day = z.date().transform((date) => new Date(date.toISOString().slice(0, 10)));

export const resultInput = z
  .object({
    kind: z.enum(ResultKind),
    count: z.number().int().min(1, { error: 'must be at least 1' }).max(1_000_000).nullish(),
    occurredOn: day.nullish(),
    description: optionalText(5000),
    productCategory: z.enum(ProductCategory).nullish(),
    hsCode: hsCode.nullish(),
    quantity: decimal('quantity', 3).nullish(),
    unit: z.enum(QuantityUnit).nullish(),
    marketValue: z
      .object({ amount: decimal('amount', 2), currency: z.string(), valuationDate: day })
      .nullish(),
    detectionPoint: z.enum(DetectionPoint).nullish(),
  })
  .superRefine((result, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (result.kind === 'SEIZURE') {
      if (!result.productCategory) issue('productCategory', 'a seizure needs a product category');
      if (!result.quantity) issue('quantity', 'a seizure needs a quantity');
      if (!result.unit) issue('unit', 'a seizure needs a unit');
      if (!result.detectionPoint) issue('detectionPoint', 'say where the goods were detected');
      if (result.count && result.count !== 1) {
        issue('count', 'record each seizure on its own (count is 1)');
      }
    } else {
      for (const field of [
        'productCategory',
        'hsCode',
        'quantity',
        'unit',
        'marketValue',
      ] as const) {
        if (result[field]) issue(field, `only a seizure has ${field}`);
      }
      if (!result.count) issue('count', 'say how many');
    }
  })
  .transform((result) => ({ ...result, count: result.count ?? 1 }));

export type ResultInput = z.output<typeof resultInput>;

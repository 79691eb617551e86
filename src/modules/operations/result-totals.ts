import { prisma } from '../../db.js';
import {
  Prisma,
  type ProductCategory,
  type QuantityUnit,
  type ResultKind,
} from '../../generated/prisma/client.js';

// Totals of operation results. Amounts are added per currency and quantities per unit, as
// decimals: never converted, never mixed, never floats.

/** How many operations a figure draws on (network statistics withhold figures of few). */
export interface Drawn {
  operations: number;
}

export interface KindTotal extends Drawn {
  kind: ResultKind;
  /** Arrests, premises, takedowns, cases; for SEIZURE the number of seizures. */
  count: number;
}

export interface SeizureTotal extends Drawn {
  productCategory: ProductCategory;
  unit: QuantityUnit;
  quantity: string;
  seizures: number;
}

export interface ValueTotal extends Drawn {
  currency: string;
  amount: string;
  seizures: number;
}

export interface CategoryValueTotal extends ValueTotal {
  productCategory: ProductCategory;
}

export interface ResultTotals {
  byKind: KindTotal[];
  seizures: SeizureTotal[];
  /** Estimated market value of seizures, one entry per currency. */
  marketValue: ValueTotal[];
  marketValueByCategory: CategoryValueTotal[];
}

export interface AgencyResultTotals extends ResultTotals {
  agencyId: string;
}

type Group = {
  operationId: string;
  agencyId: string;
  kind: ResultKind;
  productCategory: ProductCategory | null;
  unit: QuantityUnit | null;
  currency: string | null;
  _sum: {
    count: number | null;
    quantity: Prisma.Decimal | null;
    marketValue: Prisma.Decimal | null;
  };
  _count: { _all: number };
};

type Sum = { amount: Prisma.Decimal; seizures: number; operations: Set<string> };

/** Adds a group's decimal and its number of seizures to the sum kept under `key`. */
function addTo(sums: Map<string, Sum>, key: string, amount: Prisma.Decimal, group: Group) {
  const sum = sums.get(key) ?? {
    amount: new Prisma.Decimal(0),
    seizures: 0,
    operations: new Set<string>(),
  };
  sum.operations.add(group.operationId);
  sums.set(key, {
    amount: sum.amount.plus(amount),
    seizures: sum.seizures + group._count._all,
    operations: sum.operations,
  });
}

/** The sums in key order, each key split back into its parts. */
function entries(sums: Map<string, Sum>): [string[], Sum][] {
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, sum]) => [key.split('|'), sum]);
}

function fold(groups: Group[]): ResultTotals {
  const kinds = new Map<ResultKind, { count: number; operations: Set<string> }>();
  const quantities = new Map<string, Sum>(); // category|unit
  const values = new Map<string, Sum>(); // currency
  const categoryValues = new Map<string, Sum>(); // category|currency
  for (const g of groups) {
    const kind = kinds.get(g.kind) ?? { count: 0, operations: new Set<string>() };
    kind.operations.add(g.operationId);
    kinds.set(g.kind, { count: kind.count + (g._sum.count ?? 0), operations: kind.operations });
    if (g.kind !== 'SEIZURE' || !g.productCategory) continue;
    if (g.unit && g._sum.quantity) {
      addTo(quantities, `${g.productCategory}|${g.unit}`, g._sum.quantity, g);
    }
    if (g.currency && g._sum.marketValue) {
      addTo(values, g.currency, g._sum.marketValue, g);
      addTo(categoryValues, `${g.productCategory}|${g.currency}`, g._sum.marketValue, g);
    }
  }
  return {
    byKind: [...kinds.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, sum]) => ({ kind, count: sum.count, operations: sum.operations.size })),
    seizures: entries(quantities).map(([[productCategory, unit], sum]) => ({
      productCategory: productCategory as ProductCategory,
      unit: unit as QuantityUnit,
      quantity: sum.amount.toString(),
      seizures: sum.seizures,
      operations: sum.operations.size,
    })),
    marketValue: entries(values).map(([[currency], sum]) => ({
      currency: currency as string,
      amount: sum.amount.toString(),
      seizures: sum.seizures,
      operations: sum.operations.size,
    })),
    marketValueByCategory: entries(categoryValues).map(([[productCategory, currency], sum]) => ({
      productCategory: productCategory as ProductCategory,
      currency: currency as string,
      amount: sum.amount.toString(),
      seizures: sum.seizures,
      operations: sum.operations.size,
    })),
  };
}

async function groups(where: Prisma.OperationResultWhereInput): Promise<Group[]> {
  const rows = await prisma.operationResult.groupBy({
    by: ['operationId', 'agencyId', 'kind', 'productCategory', 'unit', 'currency'],
    where: { AND: [where, { supersededAt: null }] },
    _sum: { count: true, quantity: true, marketValue: true },
    _count: { _all: true },
  });
  return rows as unknown as Group[];
}

/** Totals of the current (not superseded) results matching `where`, overall and per agency. */
export async function resultTotals(
  where: Prisma.OperationResultWhereInput,
): Promise<{ total: ResultTotals; byAgency: AgencyResultTotals[] }> {
  const rows = await groups(where);
  const agencyIds = [...new Set(rows.map((r) => r.agencyId))].sort();
  return {
    total: fold(rows),
    byAgency: agencyIds.map((agencyId) => ({
      agencyId,
      ...fold(rows.filter((r) => r.agencyId === agencyId)),
    })),
  };
}

/** The totals as a document shows them: without the count of operations behind each figure. */
export type DocumentTotals = ReturnType<typeof withoutDrawn>;

export function withoutDrawn(totals: ResultTotals) {
  const strip = <T extends Drawn>({ operations: _, ...rest }: T) => rest;
  return {
    byKind: totals.byKind.map(strip),
    seizures: totals.seizures.map(strip),
    marketValue: totals.marketValue.map(strip),
    marketValueByCategory: totals.marketValueByCategory.map(strip),
  };
}

/** Only the figures drawn from at least `minimum` operations. */
export function figuresOfMany(totals: ResultTotals, minimum: number): ResultTotals {
  const keep = <T extends Drawn>(figures: T[]) => figures.filter((f) => f.operations >= minimum);
  return {
    byKind: keep(totals.byKind),
    seizures: keep(totals.seizures),
    marketValue: keep(totals.marketValue),
    marketValueByCategory: keep(totals.marketValueByCategory),
  };
}

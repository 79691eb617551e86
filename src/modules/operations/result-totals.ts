import { prisma } from '../../db.js';
import {
  Prisma,
  type ProductCategory,
  type QuantityUnit,
  type ResultKind,
} from '../../generated/prisma/client.js';

// Totals of operation results. Amounts are added per currency and quantities per unit, as
// decimals: never converted, never mixed, never floats.

export interface KindTotal {
  kind: ResultKind;
  /** Arrests, premises, takedowns, cases; for SEIZURE the number of seizures. */
  count: number;
}

export interface SeizureTotal {
  productCategory: ProductCategory;
  unit: QuantityUnit;
  quantity: string;
  seizures: number;
}

export interface ValueTotal {
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

type Sum = { amount: Prisma.Decimal; seizures: number };

/** Adds a group's decimal and its number of seizures to the sum kept under `key`. */
function addTo(sums: Map<string, Sum>, key: string, amount: Prisma.Decimal, seizures: number) {
  const sum = sums.get(key) ?? { amount: new Prisma.Decimal(0), seizures: 0 };
  sums.set(key, { amount: sum.amount.plus(amount), seizures: sum.seizures + seizures });
}

/** The sums in key order, each key split back into its parts. */
function entries(sums: Map<string, Sum>): [string[], Sum][] {
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, sum]) => [key.split('|'), sum]);
}

function fold(groups: Group[]): ResultTotals {
  const kinds = new Map<ResultKind, number>();
  const quantities = new Map<string, Sum>(); // category|unit
  const values = new Map<string, Sum>(); // currency
  const categoryValues = new Map<string, Sum>(); // category|currency
  for (const g of groups) {
    kinds.set(g.kind, (kinds.get(g.kind) ?? 0) + (g._sum.count ?? 0));
    if (g.kind !== 'SEIZURE' || !g.productCategory) continue;
    const seizures = g._count._all;
    if (g.unit && g._sum.quantity) {
      addTo(quantities, `${g.productCategory}|${g.unit}`, g._sum.quantity, seizures);
    }
    if (g.currency && g._sum.marketValue) {
      addTo(values, g.currency, g._sum.marketValue, seizures);
      addTo(categoryValues, `${g.productCategory}|${g.currency}`, g._sum.marketValue, seizures);
    }
  }
  return {
    byKind: [...kinds.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, count]) => ({ kind, count })),
    seizures: entries(quantities).map(([[productCategory, unit], sum]) => ({
      productCategory: productCategory as ProductCategory,
      unit: unit as QuantityUnit,
      quantity: sum.amount.toString(),
      seizures: sum.seizures,
    })),
    marketValue: entries(values).map(([[currency], sum]) => ({
      currency: currency as string,
      amount: sum.amount.toString(),
      seizures: sum.seizures,
    })),
    marketValueByCategory: entries(categoryValues).map(([[productCategory, currency], sum]) => ({
      productCategory: productCategory as ProductCategory,
      currency: currency as string,
      amount: sum.amount.toString(),
      seizures: sum.seizures,
    })),
  };
}

async function groups(where: Prisma.OperationResultWhereInput): Promise<Group[]> {
  const rows = await prisma.operationResult.groupBy({
    by: ['agencyId', 'kind', 'productCategory', 'unit', 'currency'],
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

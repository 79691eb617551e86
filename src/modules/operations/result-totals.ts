import { prisma } from '../../db.js';
import type {
  Prisma,
  ProductCategory,
  QuantityUnit,
  ResultKind,
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

function add(a: string | undefined, b: Prisma.Decimal | null): string {
  if (!b) return a ?? '0';
  return a === undefined ? b.toString() : b.plus(a).toString();
}

function fold(groups: Group[]): ResultTotals {
  const kinds = new Map<ResultKind, number>();
  const seizures = new Map<string, SeizureTotal>();
  const values = new Map<string, ValueTotal>();
  const categoryValues = new Map<string, CategoryValueTotal>();
  for (const g of groups) {
    kinds.set(g.kind, (kinds.get(g.kind) ?? 0) + (g._sum.count ?? 0));
    if (g.kind !== 'SEIZURE') continue;
    if (g.productCategory && g.unit) {
      const key = `${g.productCategory}/${g.unit}`;
      const entry = seizures.get(key);
      seizures.set(key, {
        productCategory: g.productCategory,
        unit: g.unit,
        quantity: add(entry?.quantity, g._sum.quantity),
        seizures: (entry?.seizures ?? 0) + g._count._all,
      });
    }
    if (g.currency && g._sum.marketValue) {
      const value = values.get(g.currency);
      values.set(g.currency, {
        currency: g.currency,
        amount: add(value?.amount, g._sum.marketValue),
        seizures: (value?.seizures ?? 0) + g._count._all,
      });
      if (g.productCategory) {
        const key = `${g.productCategory}/${g.currency}`;
        const entry = categoryValues.get(key);
        categoryValues.set(key, {
          productCategory: g.productCategory,
          currency: g.currency,
          amount: add(entry?.amount, g._sum.marketValue),
          seizures: (entry?.seizures ?? 0) + g._count._all,
        });
      }
    }
  }
  const byKey = <T>(map: Map<string, T>) =>
    [...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
  return {
    byKind: [...kinds.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, count]) => ({ kind, count })),
    seizures: byKey(seizures),
    marketValue: byKey(values),
    marketValueByCategory: byKey(categoryValues),
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

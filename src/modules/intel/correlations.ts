import DataLoader from 'dataloader';
import type { Context } from '../../context.js';
import { prisma } from '../../db.js';
import { intelReportVisibilityWhere } from './intel.access.js';

// The correlations of a page of reports, read together: the page's observables, the observables
// of reports the viewer may see that share one of their values, and those reports' order. Three
// statements for the whole page, whatever its size; each report then keeps its own 50 newest.

export interface Correlation {
  reportId: string;
  /** The other report's observables that share a value with this one. */
  observables: { id: string }[];
}

const MAX_PER_REPORT = 50;

const hexOf = (hash: Uint8Array): string => Buffer.from(hash).toString('hex');

async function correlationsOf(context: Context, reportIds: string[]): Promise<Correlation[][]> {
  const own = await prisma.intelObservable.findMany({
    where: { reportId: { in: reportIds } },
    select: { reportId: true, valueHash: true },
  });
  const hashesOf = new Map<string, Set<string>>();
  const allHashes = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const o of own) {
    const hex = hexOf(o.valueHash);
    const hashes = hashesOf.get(o.reportId) ?? new Set<string>();
    hashes.add(hex);
    hashesOf.set(o.reportId, hashes);
    allHashes.set(hex, o.valueHash);
  }
  if (allHashes.size === 0) return reportIds.map(() => []);

  const shared = await prisma.intelObservable.findMany({
    where: {
      valueHash: { in: [...allHashes.values()] },
      report: { AND: [intelReportVisibilityWhere(context.viewer)] },
    },
    select: { id: true, reportId: true, valueHash: true },
  });
  const order = await prisma.intelReport.findMany({
    where: { id: { in: [...new Set(shared.map((o) => o.reportId))] } },
    select: { id: true, sortKey: true },
  });
  const sortKeyOf = new Map(order.map((r) => [r.id, r.sortKey.getTime()]));
  const newestFirst = (a: string, b: string) =>
    (sortKeyOf.get(b) ?? 0) - (sortKeyOf.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0);

  return reportIds.map((reportId) => {
    const hashes = hashesOf.get(reportId);
    if (!hashes) return [];
    const byReport = new Map<string, { id: string }[]>();
    for (const o of shared) {
      if (o.reportId === reportId || !hashes.has(hexOf(o.valueHash))) continue;
      const list = byReport.get(o.reportId) ?? [];
      list.push({ id: o.id });
      byReport.set(o.reportId, list);
    }
    return [...byReport.keys()]
      .sort(newestFirst)
      .slice(0, MAX_PER_REPORT)
      .map((id) => ({ reportId: id, observables: byReport.get(id) ?? [] }));
  });
}

/** Other reports the viewer may see that share an observable with `reportId` (50, newest first). */
export function correlationsFor(context: Context, reportId: string): Promise<Correlation[]> {
  const key = 'IntelReport.correlations';
  let loader = context.memory.loaders.get(key) as DataLoader<string, Correlation[]> | undefined;
  if (!loader) {
    loader = new DataLoader((ids: readonly string[]) => correlationsOf(context, [...ids]), {
      cache: false,
    });
    context.memory.loaders.set(key, loader);
  }
  return loader.load(reportId);
}

import { useQuery } from '@urql/preact';
import { stringify } from 'csv-stringify/browser/esm/sync';
import { useState } from 'preact/hooks';
import { Chart, TLP_COLOURS } from '../chart.tsx';
import { graphql, type ResultOf } from '../graphql.ts';
import { lang, t } from '../i18n.ts';
import {
  categoryName,
  markingName,
  phaseName,
  REGIONS,
  type Region,
  regionName,
} from '../labels.ts';
import { LoadFailed, Loading } from '../read.tsx';

// The annual indicators the programme is reviewed by: networkStatistics for a year and a region,
// drawn as charts with the previous year beside them, each figure also in a table, and all of
// them exported as CSV. Network admins see the whole network aggregated (small groups withheld);
// everyone else what their agency may see.

const STATISTICS = graphql(`
  query ConsoleIndicators($from: DateTime!, $to: DateTime!, $region: Region) {
    networkStatistics(from: $from, to: $to, region: $region) {
      scope
      disclosure { aggregated minimumGroupSize }
      reportsShared {
        total
        byMarking { tlp count fewerThan }
        byCategory { category count fewerThan }
        byRegion { region count fewerThan }
      }
      matchesFound
      accessRequestsGranted
      operationsByPhase { phase count fewerThan }
      results {
        seizures { productCategory seizures quantity unit }
        marketValue { currency amount seizures }
      }
    }
  }
`);
type Statistics = ResultOf<typeof STATISTICS>['networkStatistics'];

interface Row {
  section: string;
  item: string;
  value: number | null;
  fewerThan?: number | null;
  previous?: number | null;
}

function yearRange(year: number) {
  return {
    from: new Date(Date.UTC(year, 0, 1)).toISOString(),
    to: new Date(Date.UTC(year + 1, 0, 1)).toISOString(),
  };
}

function rowsOf(stats: Statistics, previous: Statistics | null): Row[] {
  const words = t();
  const l = lang.value;
  const find = <T,>(list: T[] | undefined, match: (x: T) => boolean) => list?.find(match);
  const rows: Row[] = [
    {
      section: words.reportsTotal,
      item: words.reportsTotal,
      value: stats.reportsShared.total,
      previous: previous?.reportsShared.total,
    },
    ...stats.reportsShared.byMarking.map((m) => ({
      section: words.reportsByMarking,
      item: markingName(m.tlp),
      value: m.count,
      fewerThan: m.fewerThan,
      previous: find(previous?.reportsShared.byMarking, (p) => p.tlp === m.tlp)?.count ?? null,
    })),
    ...stats.reportsShared.byCategory.map((c) => ({
      section: words.reportsByCategory,
      item: categoryName(l, c.category),
      value: c.count,
      fewerThan: c.fewerThan,
      previous:
        find(previous?.reportsShared.byCategory, (p) => p.category === c.category)?.count ?? null,
    })),
    ...stats.reportsShared.byRegion.map((r) => ({
      section: words.reportsByRegion,
      item: regionName(l, r.region),
      value: r.count,
      fewerThan: r.fewerThan,
      previous: find(previous?.reportsShared.byRegion, (p) => p.region === r.region)?.count ?? null,
    })),
    {
      section: words.matches,
      item: words.matches,
      value: stats.matchesFound,
      previous: previous?.matchesFound,
    },
    {
      section: words.accessGranted,
      item: words.accessGranted,
      value: stats.accessRequestsGranted,
      previous: previous?.accessRequestsGranted,
    },
    ...stats.operationsByPhase.map((o) => ({
      section: words.operationsByPhase,
      item: phaseName(l, o.phase),
      value: o.count,
      fewerThan: o.fewerThan,
      previous: find(previous?.operationsByPhase, (p) => p.phase === o.phase)?.count ?? null,
    })),
    ...stats.results.seizures.map((s) => ({
      section: words.seizuresByCategory,
      item: `${categoryName(l, s.productCategory)} (${s.unit.toLowerCase()})`,
      value: s.seizures,
      previous:
        find(
          previous?.results.seizures,
          (p) => p.productCategory === s.productCategory && p.unit === s.unit,
        )?.seizures ?? null,
    })),
    ...stats.results.marketValue.map((m) => {
      const before = find(previous?.results.marketValue, (p) => p.currency === m.currency);
      return {
        section: words.marketValue,
        item: m.currency,
        value: Number(m.amount),
        previous: before ? Number(before.amount) : null,
      };
    }),
  ];
  return rows;
}

function shown(row: Row): string {
  if (row.value === null) return row.fewerThan ? t().withheld(row.fewerThan) : '—';
  return row.value.toLocaleString(lang.value);
}

export function IndicatorsPage() {
  const words = t();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const [region, setRegion] = useState<Region | ''>('');
  const [compare, setCompare] = useState(true);
  const [now, askNow] = useQuery({
    query: STATISTICS,
    variables: { ...yearRange(year), region: region || null },
  });
  const [before, askBefore] = useQuery({
    query: STATISTICS,
    variables: { ...yearRange(year - 1), region: region || null },
    pause: !compare,
  });
  const stats = now.data?.networkStatistics ?? null;
  const previous = compare ? (before.data?.networkStatistics ?? null) : null;
  const error = now.error ?? (compare ? before.error : undefined);
  const retry = () => {
    askNow({ requestPolicy: 'network-only' });
    if (compare) askBefore({ requestPolicy: 'network-only' });
  };

  const rows = stats && !error ? rowsOf(stats, compare ? previous : null) : [];
  const sections = [...new Set(rows.map((r) => r.section))];
  const exportCsv = () => {
    const header = [words.figure, words.item, String(year), ...(compare ? [String(year - 1)] : [])];
    const csv = stringify([
      header,
      ...rows.map((r) => [
        r.section,
        r.item,
        r.value ?? '',
        ...(compare ? [r.previous ?? ''] : []),
      ]),
    ]);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([`\ufeff${csv}`], { type: 'text/csv;charset=utf-8' }));
    link.download = `ipnet-indicators-${year}${region ? `-${region.toLowerCase()}` : ''}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  const chartOf = (section: string, colours?: (item: string) => string | undefined) => {
    const items = rows.filter((r) => r.section === section);
    if (items.length === 0) return null;
    const series = [
      { name: String(year), values: items.map((r) => r.value ?? 0) },
      ...(compare && previous
        ? [{ name: String(year - 1), values: items.map((r) => r.previous ?? 0) }]
        : []),
    ];
    const tinted =
      colours && series.length === 1 ? items.map((r) => colours(r.item) ?? '#0b5cad') : undefined;
    return (
      <Chart
        label={section}
        categories={items.map((r) => r.item)}
        series={series}
        colours={tinted}
      />
    );
  };
  return (
    <section class="indicators" aria-labelledby="indicators-title">
      <div class="bar">
        <h1 id="indicators-title">{words.indicators}</h1>
        <span class="spacer" />
        <button type="button" onClick={exportCsv} disabled={!stats}>
          {words.exportCsv}
        </button>
      </div>
      <div class="filters">
        <label>
          {words.year}
          <select
            value={year}
            onChange={(e) => setYear(Number((e.target as HTMLSelectElement).value))}
          >
            {[0, 1, 2, 3, 4].map((back) => (
              <option key={back} value={thisYear - back}>
                {thisYear - back}
              </option>
            ))}
          </select>
        </label>
        <label>
          {words.region}
          <select
            value={region}
            onChange={(e) => setRegion((e.target as HTMLSelectElement).value as Region | '')}
          >
            <option value="">{words.allRegions}</option>
            {REGIONS.map((r) => (
              <option key={r} value={r}>
                {regionName(lang.value, r)}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={compare}
            onChange={(e) => setCompare((e.target as HTMLInputElement).checked)}
          />
          {words.compare}
        </label>
      </div>
      {error ? <LoadFailed error={error} onRetry={retry} /> : !stats ? <Loading /> : null}
      {stats && !error ? (
        <p class="note">{stats.scope === 'NETWORK' ? words.scopeNetwork : words.scopeVisible}</p>
      ) : null}
      <div class="figures">
        {sections.map((section) => {
          const items = rows.filter((r) => r.section === section);
          const single = items.length === 1 && items[0]?.item === section;
          return (
            <article class="card figure" key={section} data-section={section}>
              <h2>{section}</h2>
              {single ? (
                <p class="big">
                  {shown(items[0] as Row)}
                  {compare && items[0]?.previous != null ? (
                    <span class="previous">
                      {' '}
                      ({year - 1}: {(items[0]?.previous ?? 0).toLocaleString(lang.value)})
                    </span>
                  ) : null}
                </p>
              ) : (
                <>
                  {chartOf(
                    section,
                    section === words.reportsByMarking
                      ? (item) => TLP_COLOURS[item.replace('TLP:', '').replace('+', '_')]
                      : undefined,
                  )}
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{words.item}</th>
                        <th scope="col">{year}</th>
                        {compare ? <th scope="col">{year - 1}</th> : null}
                      </tr>
                    </thead>
                    <tbody>
                      {items.map((r) => (
                        <tr key={r.item}>
                          <th scope="row">{r.item}</th>
                          <td>{shown(r)}</td>
                          {compare ? (
                            <td>
                              {r.previous == null ? '—' : r.previous.toLocaleString(lang.value)}
                            </td>
                          ) : null}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )}
            </article>
          );
        })}
      </div>
    </section>
  );
}

import { randomInt, randomUUID } from 'node:crypto';
import pg from 'pg';
import { isValidContainerNumber } from '../src/modules/intel/check-digits.js';
import { observableHash } from '../src/modules/intel/observables.js';
import { foldForSearch } from '../src/modules/intel/search-text.js';

// Synthetic intelligence at scale, written straight to PostgreSQL in batches (the API would
// take hours for 100,000 reports). Values are shaped like the real ones: valid container
// numbers, a pool of shop domains shared between reports (so correlations exist), phones.

const CATEGORIES = [
  'APPAREL',
  'FOOTWEAR',
  'LEATHER_GOODS',
  'WATCHES_JEWELLERY',
  'ELECTRONICS',
  'BATTERIES',
  'PHARMACEUTICALS',
  'COSMETICS',
  'TOYS',
  'AUTO_PARTS',
];
const BRANDS = [
  'VoltMax',
  'Maison Lumière',
  'Éclat de Paris',
  'Bubble Pals',
  'Stridewell',
  'Chronos Geneva',
  'PixelWave',
];
const TITLES = [
  (b: string) => `Counterfeit ${b} goods seized in container`,
  (b: string) => `假冒${b}产品在南沙港被查获`,
  (b: string) => `翻版${b}貨品於葵涌碼頭被檢獲`,
  (b: string) => `Fake ${b} listings on marketplace storefronts`,
  (b: string) => `Apreensão de produtos ${b} contrafeitos`,
  (b: string) => `${b} knock-off shipment declared as spare parts`,
];
const COUNTRIES = ['CN-GD', 'HK', 'MO', 'MY', 'SG', 'TH', 'VN', 'ID', 'AE'];
const REGIONS = ['GREATER_BAY_AREA', 'PAN_PEARL_RIVER_DELTA', 'BELT_AND_ROAD'];

const pick = <T>(list: readonly T[]): T => list[randomInt(list.length)] as T;

function container(): string {
  const serial = String(randomInt(1_000_000)).padStart(6, '0');
  for (let d = 0; d <= 9; d += 1)
    if (isValidContainerNumber(`MSCU${serial}${d}`)) return `MSCU${serial}${d}`;
  return container();
}

interface Author {
  userId: string;
  agencyId: string;
}

async function insert(client: pg.Client, table: string, columns: string[], rows: unknown[][]) {
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const start = values.length;
    values.push(...row);
    return `(${row.map((_, i) => `$${start + i + 1}`).join(',')})`;
  });
  await client.query(
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES ${tuples.join(',')}`,
    values,
  );
}

export async function populate(
  connectionString: string,
  reports: number,
  log: (s: string) => void,
) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const authors: Author[] = (
      await client.query(
        `SELECT u.id AS "userId", u."agencyId" FROM "User" u WHERE u.email LIKE 'analyst@%.demo'`,
      )
    ).rows;
    const agencies: string[] = (await client.query('SELECT id FROM "Agency"')).rows.map(
      (r) => r.id,
    );
    const domains = Array.from(
      { length: Math.max(100, Math.floor(reports / 5)) },
      (_, i) => `shop-${i}.example`,
    );
    const batch = 1000;
    for (let done = 0; done < reports; done += batch) {
      const reportRows: unknown[][] = [];
      const observableRows: unknown[][] = [];
      const audienceRows: unknown[][] = [];
      const recipientRows: unknown[][] = [];
      for (let i = 0; i < Math.min(batch, reports - done); i += 1) {
        const id = randomUUID();
        const author = pick(authors);
        const brand = pick(BRANDS);
        const title = pick(TITLES)(brand);
        const summary = `${title}. Goods were traced through ${pick(COUNTRIES)} and ${pick(COUNTRIES)}.`;
        const roll = randomInt(100);
        const [tlp, scope, status] =
          roll < 40
            ? ['GREEN', 'NETWORK', 'PUBLISHED']
            : roll < 65
              ? ['AMBER', 'REGIONS', 'PUBLISHED']
              : roll < 80
                ? ['AMBER_STRICT', 'AGENCIES', 'PUBLISHED']
                : roll < 85
                  ? ['RED', 'RECIPIENTS', 'PUBLISHED']
                  : roll < 95
                    ? ['AMBER', 'NETWORK', 'DRAFT']
                    : ['GREEN', 'NETWORK', 'RETRACTED'];
        const published =
          status === 'DRAFT' ? null : new Date(Date.now() - randomInt(365 * 86_400_000));
        const seen = randomInt(4);
        const truePositive = randomInt(3);
        reportRows.push([
          id,
          title,
          summary,
          'en',
          'TRADEMARK',
          pick(CATEGORIES),
          [brand],
          pick(COUNTRIES),
          'CN-GD',
          [pick(COUNTRIES)],
          pick(COUNTRIES),
          'B',
          2,
          tlp,
          'AMBER',
          status,
          scope,
          scope === 'REGIONS' ? `{${pick(REGIONS)}}` : '{}',
          foldForSearch(`${title}\n${summary}\n${brand}`),
          author.agencyId,
          author.userId,
          published,
          published ?? new Date(),
          new Date(),
          seen + truePositive,
          seen,
          truePositive,
        ]);
        if (scope === 'AGENCIES') {
          for (const agencyId of new Set([pick(agencies), pick(agencies)]))
            audienceRows.push([id, agencyId]);
        }
        if (scope === 'RECIPIENTS') recipientRows.push([id, pick(authors).userId]);
        const values: [string, string][] = [
          ['CONTAINER_NUMBER', container()],
          ['DOMAIN', pick(domains)],
          ['PHONE', `+8522${String(randomInt(10_000_000)).padStart(7, '0')}`],
        ];
        for (const [type, value] of values) {
          observableRows.push([
            randomUUID(),
            id,
            type,
            value,
            Buffer.from(observableHash(type as never, value)),
          ]);
        }
      }
      await client.query('BEGIN');
      await insert(
        client,
        'IntelReport',
        [
          'id',
          'title',
          'summary',
          'language',
          'ipRight',
          'category',
          'brands',
          'observedCountry',
          'originCountry',
          'transitCountries',
          'destinationCountry',
          'sourceReliability',
          'infoCredibility',
          'tlp',
          'pap',
          'status',
          'audienceScope',
          'audienceRegions',
          'searchText',
          'authorAgencyId',
          'authorUserId',
          'publishedAt',
          'sortKey',
          'updatedAt',
          'sightingCount',
          'sightingsSeen',
          'sightingsTrue',
        ],
        reportRows,
      );
      await insert(
        client,
        'IntelObservable',
        ['id', 'reportId', 'type', 'value', 'valueHash'],
        observableRows,
      );
      if (audienceRows.length)
        await insert(client, 'IntelAudienceAgency', ['reportId', 'agencyId'], audienceRows);
      if (recipientRows.length)
        await insert(client, 'IntelRecipient', ['reportId', 'userId'], recipientRows);
      await client.query('COMMIT');
      if ((done + batch) % 20_000 === 0) log(`  ${done + batch} reports written`);
    }
    await client.query('ANALYZE');
    return domains;
  } finally {
    await client.end();
  }
}

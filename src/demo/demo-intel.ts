import { prisma } from '../db.js';
import type { ObservableType } from '../generated/prisma/enums.js';
import type { Viewer } from '../modules/auth/viewer.js';
import { viewerForUser } from '../modules/auth/viewer.js';
import { requestAccess } from '../modules/intel/access-request.service.js';
import {
  createIntelReport,
  publishIntelReport,
  type ReportFields,
} from '../modules/intel/intel.service.js';
import { normaliseObservable } from '../modules/intel/observables.js';
import { reportSighting } from '../modules/intel/sighting.service.js';

// Demo intelligence: seizures at Nansha and Shenzhen Bay, a fake cosmetics shop seen from
// Shenzhen and Macao, a battery consignment known in Guangzhou and Kuala Lumpur that neither may
// see (a hit/no-hit match and an access request), and a few AMBER+STRICT and RED reports. Written
// through the same services as the API, so correlations and matches arise as they would.

function demoViewer(email: string): Promise<Viewer> {
  return viewerForUser({ email });
}

function observables(list: [ObservableType, string][]) {
  return list.map(([type, raw]) => {
    const result = normaliseObservable(type, raw);
    if (!result.ok) throw new Error(`demo observable ${type} ${raw}: ${result.message}`);
    return { type, value: result.value, note: null };
  });
}

async function agencyId(slug: string): Promise<string> {
  return (await prisma.agency.findUniqueOrThrow({ where: { slug }, select: { id: true } })).id;
}

const days = (n: number) => new Date(Date.now() - n * 86_400_000);

type DemoReport = Omit<ReportFields, 'audience'> & {
  author: string;
  audience: ReportFields['audience'];
  observables: [ObservableType, string][];
  publish: boolean;
};

async function demoReports(): Promise<DemoReport[]> {
  const base = {
    ipRight: 'TRADEMARK' as const,
    sourceReliability: 'B' as const,
    infoCredibility: 2,
    pap: 'AMBER' as const,
  };
  return [
    {
      ...base,
      author: 'analyst@hk-customs.demo',
      title: '葵涌貨櫃碼頭檢獲翻版名牌手袋',
      summary:
        '海關於葵涌貨櫃碼頭一個由南沙經香港轉運往吉隆坡的貨櫃內，檢獲約三千個懷疑翻版名牌手袋，申報為「人造皮革手提包」。',
      language: 'zh-Hant',
      category: 'LEATHER_GOODS',
      hsCode: '4202.21',
      brands: ['Maison Lumière'],
      observedCountry: 'HK',
      route: { origin: 'CN-GD', transit: ['HK'], destination: 'MY' },
      observedFrom: days(20),
      observedTo: days(19),
      estimatedQuantity: 3000,
      quantityUnit: 'pieces',
      estimatedValue: { amount: '4500000', currency: 'HKD' },
      tlp: 'GREEN',
      audience: { scope: 'NETWORK' },
      observables: [
        ['CONTAINER_NUMBER', 'CSQU3054383'],
        ['COMPANY_NAME', 'Golden Harbour Trading Co., Ltd.'],
        ['BILL_OF_LADING', 'MEDUHK2611046'],
      ],
      publish: true,
    },
    {
      ...base,
      author: 'analyst@gz-customs.demo',
      title: '南沙港查获假冒品牌锂电池及充电宝',
      summary:
        '南沙海关在出口转关货物中查获假冒知名品牌锂电池及移动电源约1.2万件，货柜与香港海关检获翻版手袋的货柜为同一货柜号。',
      language: 'zh-Hans',
      category: 'BATTERIES',
      hsCode: '8507.60',
      brands: ['VoltMax'],
      observedCountry: 'CN-GD',
      route: { origin: 'CN-GD', transit: ['HK'], destination: 'MY' },
      observedFrom: days(25),
      observedTo: days(24),
      estimatedQuantity: 12000,
      quantityUnit: 'pieces',
      estimatedValue: { amount: '860000', currency: 'CNY' },
      tlp: 'AMBER',
      audience: { scope: 'REGIONS', regions: ['GREATER_BAY_AREA'] },
      observables: [
        ['CONTAINER_NUMBER', 'CSQU3054383'],
        ['BILL_OF_LADING', 'NSHA2610887'],
        ['PHONE', '+86 20 8888 6666'],
      ],
      publish: true,
    },
    {
      ...base,
      author: 'analyst@sz-customs.demo',
      title: '深圳湾口岸查获假冒化妆品，来源为仿冒网店',
      summary:
        '旅检渠道查获假冒进口化妆品400余件，经查均来自同一仿冒网店，快递单号与网店订单对应。',
      language: 'zh-Hans',
      category: 'COSMETICS',
      brands: ['Éclat de Paris'],
      observedCountry: 'CN-GD',
      observedFrom: days(12),
      estimatedQuantity: 420,
      quantityUnit: 'pieces',
      estimatedValue: { amount: '210000', currency: 'CNY' },
      tlp: 'GREEN',
      pap: 'GREEN',
      audience: { scope: 'NETWORK' },
      observables: [
        ['DOMAIN', 'luxe-beauty-outlet.example'],
        ['COURIER_TRACKING', 'SF1408829911207'],
      ],
      publish: true,
    },
    {
      ...base,
      author: 'analyst@mo-customs.demo',
      title: 'Loja online de cosméticos contrafeitos vende para Macau',
      summary:
        'Encomendas de cosméticos contrafeitos compradas numa loja online foram apreendidas no Posto Fronteiriço das Portas do Cerco.',
      language: 'pt',
      category: 'COSMETICS',
      brands: ['Éclat de Paris'],
      observedCountry: 'MO',
      observedFrom: days(9),
      estimatedQuantity: 85,
      quantityUnit: 'pieces',
      estimatedValue: { amount: '64000', currency: 'MOP' },
      tlp: 'AMBER',
      audience: { scope: 'REGIONS', regions: ['GREATER_BAY_AREA'] },
      observables: [
        ['DOMAIN', 'https://www.luxe-beauty-outlet.example/'],
        ['EMAIL', 'orders@luxe-beauty-outlet.example'],
      ],
      publish: true,
    },
    {
      ...base,
      author: 'analyst@my-customs.demo',
      title: 'Counterfeit power banks declared as toys at Port Klang',
      summary:
        'Royal Malaysian Customs detained a consignment of counterfeit power banks and lithium cells declared as toys, shipped from Nansha.',
      language: 'en',
      category: 'BATTERIES',
      brands: ['VoltMax'],
      observedCountry: 'MY',
      route: { origin: 'CN-GD', destination: 'MY' },
      observedFrom: days(6),
      estimatedQuantity: 8000,
      quantityUnit: 'pieces',
      estimatedValue: { amount: '310000', currency: 'MYR' },
      tlp: 'AMBER',
      audience: { scope: 'REGIONS', regions: ['BELT_AND_ROAD'] },
      observables: [
        ['BILL_OF_LADING', 'NSHA2610887'],
        ['PHONE', '+86 20 8888 6666'],
      ],
      publish: true,
    },
    {
      ...base,
      author: 'analyst@sg-ipos.demo',
      title: 'Fake-shop network selling counterfeit collectible toys',
      summary:
        'Twelve storefront domains share one payment account and ship from the same warehouse.',
      language: 'en',
      category: 'TOYS',
      ipRight: 'COPYRIGHT',
      brands: ['Bubble Pals'],
      tlp: 'AMBER_STRICT',
      audience: {
        scope: 'AGENCIES',
        agencyIds: [await agencyId('hk-customs'), await agencyId('my-customs')],
      },
      observables: [
        ['DOMAIN', 'bubblepals-official-sale.example'],
        ['PAYMENT_ACCOUNT', 'SG88 TOYS 0001 2345'],
      ],
      publish: true,
    },
    {
      ...base,
      author: 'analyst@hk-ipd.demo',
      title: 'Informant: watch syndicate moving counterfeit movements through Macao',
      summary:
        'A registered informant names the broker and the warehouse; for the named officer only.',
      language: 'en',
      category: 'WATCHES_JEWELLERY',
      sourceReliability: 'C',
      infoCredibility: 3,
      tlp: 'RED',
      pap: 'RED',
      audience: {
        scope: 'RECIPIENTS',
        recipientIds: [(await demoViewer('analyst@mo-customs.demo')).userId],
      },
      observables: [['PERSON_NAME', 'Chan Tai-wing']],
      publish: true,
    },
    {
      ...base,
      author: 'analyst@gz-amr.demo',
      title: '（草稿）天河区批发市场仿冒运动鞋线索',
      summary: '待核实：批发市场多个档口销售仿冒运动鞋。',
      language: 'zh-Hans',
      category: 'FOOTWEAR',
      tlp: 'AMBER',
      audience: { scope: 'REGIONS', regions: ['GREATER_BAY_AREA', 'PAN_PEARL_RIVER_DELTA'] },
      observables: [],
      publish: false,
    },
  ];
}

/** Loads the demo intelligence unless demo reports already exist. Returns how many it wrote. */
export async function seedDemoIntel(): Promise<number> {
  const existing = await prisma.intelReport.count({
    where: { authorUser: { email: { endsWith: '.demo' } } },
  });
  if (existing > 0) return 0;
  const written: Record<string, string> = {};
  for (const { author, observables: list, publish, ...fields } of await demoReports()) {
    const actor = await demoViewer(author);
    const report = await createIntelReport(actor, { ...fields, observables: observables(list) });
    if (publish) await publishIntelReport(actor, report.id);
    written[author] = report.id;
  }
  const shenzhen = written['analyst@sz-customs.demo'] as string;
  await reportSighting(await demoViewer('analyst@mo-customs.demo'), shenzhen, {
    type: 'TRUE_POSITIVE',
    seenAt: days(8),
    country: 'MO',
    quantity: 85,
    note: 'Same shop: parcels seized at Portas do Cerco.',
  });
  await reportSighting(await demoViewer('analyst@hk-customs.demo'), shenzhen, {
    type: 'SEEN',
    seenAt: days(5),
    country: 'HK',
  });

  // Kuala Lumpur learned of a match with Guangzhou's battery report and asks to read it.
  const kl = await demoViewer('analyst@my-customs.demo');
  const match = await prisma.intelMatch.findFirst({ where: { agencyId: kl.agencyId } });
  if (match) {
    await requestAccess(
      kl,
      match.id,
      'Our Port Klang detention shares the bill of lading; we need the shipper details to open a case.',
    );
  }
  return Object.keys(written).length;
}

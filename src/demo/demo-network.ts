import type { AgencyKind, Region, Role } from '../generated/prisma/enums.js';

// The demo network a newcomer signs in to: real agency names of the Greater Bay Area, the
// Pan-Pearl River Delta and Belt and Road partners (the people are fictional).

export interface DemoAgency {
  slug: string;
  nameEn: string;
  nameZhHans: string;
  nameZhHant: string;
  namePt?: string;
  kind: AgencyKind;
  jurisdiction: string;
  regions: Region[];
}

const GBA: Region[] = ['GREATER_BAY_AREA', 'PAN_PEARL_RIVER_DELTA'];
const PPRD: Region[] = ['PAN_PEARL_RIVER_DELTA'];
const BRI: Region[] = ['BELT_AND_ROAD'];

export const NETWORK_SLUG = 'network';

export const DEMO_AGENCIES: DemoAgency[] = [
  {
    slug: NETWORK_SLUG,
    nameEn: 'GBA IPNet Secretariat',
    nameZhHans: '大湾区知识产权执法协作网秘书处',
    nameZhHant: '大灣區知識產權執法協作網秘書處',
    namePt: 'Secretariado da GBA IPNet',
    kind: 'OTHER',
    jurisdiction: 'CN-GD',
    // The secretariat runs the network and takes part in no region's sharing: its network admin
    // reads no intelligence (statistics give it the network's figures, aggregated).
    regions: [],
  },
  {
    slug: 'gz-customs',
    nameEn: 'Guangzhou Customs District',
    nameZhHans: '广州海关',
    nameZhHant: '廣州海關',
    kind: 'CUSTOMS',
    jurisdiction: 'CN-GD',
    regions: GBA,
  },
  {
    slug: 'gz-amr',
    nameEn: 'Guangzhou Administration for Market Regulation',
    nameZhHans: '广州市市场监督管理局',
    nameZhHant: '廣州市市場監督管理局',
    kind: 'MARKET_REGULATION',
    jurisdiction: 'CN-GD',
    regions: GBA,
  },
  {
    slug: 'sz-customs',
    nameEn: 'Shenzhen Customs District',
    nameZhHans: '深圳海关',
    nameZhHant: '深圳海關',
    kind: 'CUSTOMS',
    jurisdiction: 'CN-GD',
    regions: GBA,
  },
  {
    slug: 'sz-amr',
    nameEn: 'Shenzhen Administration for Market Regulation (Intellectual Property)',
    nameZhHans: '深圳市市场监督管理局（知识产权局）',
    nameZhHant: '深圳市市場監督管理局（知識產權局）',
    kind: 'IP_OFFICE',
    jurisdiction: 'CN-GD',
    regions: GBA,
  },
  {
    slug: 'gd-police',
    nameEn: 'Guangdong Provincial Public Security Department',
    nameZhHans: '广东省公安厅',
    nameZhHant: '廣東省公安廳',
    kind: 'POLICE',
    jurisdiction: 'CN-GD',
    regions: GBA,
  },
  {
    slug: 'hk-customs',
    nameEn: 'Customs and Excise Department',
    nameZhHans: '香港海关',
    nameZhHant: '香港海關',
    kind: 'CUSTOMS',
    jurisdiction: 'HK',
    regions: GBA,
  },
  {
    slug: 'hk-ipd',
    nameEn: 'Intellectual Property Department',
    nameZhHans: '知识产权署',
    nameZhHant: '知識產權署',
    kind: 'IP_OFFICE',
    jurisdiction: 'HK',
    regions: GBA,
  },
  {
    slug: 'mo-customs',
    nameEn: 'Macao Customs Service',
    nameZhHans: '澳门海关',
    nameZhHant: '澳門海關',
    namePt: 'Serviços de Alfândega de Macau',
    kind: 'CUSTOMS',
    jurisdiction: 'MO',
    regions: GBA,
  },
  {
    slug: 'mo-dset',
    nameEn: 'Macao Economic and Technological Development Bureau',
    nameZhHans: '澳门经济及科技发展局',
    nameZhHant: '澳門經濟及科技發展局',
    namePt: 'Direcção dos Serviços de Economia e Desenvolvimento Tecnológico',
    kind: 'IP_OFFICE',
    jurisdiction: 'MO',
    regions: GBA,
  },
  {
    slug: 'fj-amr',
    nameEn: 'Fujian Provincial Administration for Market Regulation',
    nameZhHans: '福建省市场监督管理局',
    nameZhHant: '福建省市場監督管理局',
    kind: 'MARKET_REGULATION',
    jurisdiction: 'CN-FJ',
    regions: PPRD,
  },
  {
    slug: 'gx-amr',
    nameEn: 'Guangxi Zhuang Autonomous Region Administration for Market Regulation',
    nameZhHans: '广西壮族自治区市场监督管理局',
    nameZhHant: '廣西壯族自治區市場監督管理局',
    kind: 'MARKET_REGULATION',
    jurisdiction: 'CN-GX',
    regions: PPRD,
  },
  {
    slug: 'hi-ipa',
    nameEn: 'Hainan Provincial Intellectual Property Administration',
    nameZhHans: '海南省知识产权局',
    nameZhHant: '海南省知識產權局',
    kind: 'IP_OFFICE',
    jurisdiction: 'CN-HI',
    regions: PPRD,
  },
  {
    slug: 'yn-police',
    nameEn: 'Yunnan Provincial Public Security Department',
    nameZhHans: '云南省公安厅',
    nameZhHant: '雲南省公安廳',
    kind: 'POLICE',
    jurisdiction: 'CN-YN',
    regions: PPRD,
  },
  {
    slug: 'my-customs',
    nameEn: 'Royal Malaysian Customs Department',
    nameZhHans: '马来西亚皇家关税局',
    nameZhHant: '馬來西亞皇家關稅局',
    kind: 'CUSTOMS',
    jurisdiction: 'MY',
    regions: BRI,
  },
  {
    slug: 'my-myipo',
    nameEn: 'Intellectual Property Corporation of Malaysia',
    nameZhHans: '马来西亚知识产权局',
    nameZhHant: '馬來西亞知識產權局',
    kind: 'IP_OFFICE',
    jurisdiction: 'MY',
    regions: BRI,
  },
  {
    slug: 'sg-ipos',
    nameEn: 'Intellectual Property Office of Singapore',
    nameZhHans: '新加坡知识产权局',
    nameZhHant: '新加坡知識產權局',
    kind: 'IP_OFFICE',
    jurisdiction: 'SG',
    regions: BRI,
  },
  {
    slug: 'th-customs',
    nameEn: 'Thai Customs Department',
    nameZhHans: '泰国海关',
    nameZhHant: '泰國海關',
    kind: 'CUSTOMS',
    jurisdiction: 'TH',
    regions: BRI,
  },
  {
    slug: 'vn-dms',
    nameEn: 'Vietnam Directorate of Market Surveillance',
    nameZhHans: '越南市场管理总局',
    nameZhHant: '越南市場管理總局',
    kind: 'MARKET_REGULATION',
    jurisdiction: 'VN',
    regions: BRI,
  },
  {
    slug: 'id-dgip',
    nameEn: 'Directorate General of Intellectual Property, Indonesia',
    nameZhHans: '印度尼西亚知识产权总局',
    nameZhHant: '印度尼西亞知識產權總局',
    kind: 'IP_OFFICE',
    jurisdiction: 'ID',
    regions: BRI,
  },
  {
    slug: 'pk-ipo',
    nameEn: 'Intellectual Property Organization of Pakistan',
    nameZhHans: '巴基斯坦知识产权组织',
    nameZhHant: '巴基斯坦知識產權組織',
    kind: 'IP_OFFICE',
    jurisdiction: 'PK',
    regions: BRI,
  },
  {
    slug: 'kz-src',
    nameEn: 'State Revenue Committee of Kazakhstan (Customs)',
    nameZhHans: '哈萨克斯坦国家收入委员会（海关）',
    nameZhHant: '哈薩克斯坦國家收入委員會（海關）',
    kind: 'CUSTOMS',
    jurisdiction: 'KZ',
    regions: BRI,
  },
  {
    slug: 'ae-dubai-customs',
    nameEn: 'Dubai Customs',
    nameZhHans: '迪拜海关',
    nameZhHant: '杜拜海關',
    kind: 'CUSTOMS',
    jurisdiction: 'AE-DU',
    regions: BRI,
  },
];

/** Demo accounts per agency: `<local part>@<agency-slug>.demo`. */
export const DEMO_ROLE_ACCOUNTS: { localPart: string; roles: Role[]; title: string }[] = [
  { localPart: 'agency-admin', roles: ['AGENCY_ADMIN'], title: 'Agency administrator' },
  { localPart: 'analyst', roles: ['ANALYST'], title: 'Intelligence analyst' },
  { localPart: 'coordinator', roles: ['COORDINATOR'], title: 'Operations coordinator' },
  { localPart: 'organizer', roles: ['ORGANIZER'], title: 'Forum organizer' },
  { localPart: 'viewer', roles: ['VIEWER'], title: 'Viewer' },
];

export const NETWORK_ADMIN_EMAIL = `admin@${NETWORK_SLUG}.demo`;

export function demoEmail(localPart: string, slug: string): string {
  return `${localPart}@${slug}.demo`;
}

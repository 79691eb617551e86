import type { introspection_types } from './graphql-env.d.ts';
import type { Lang } from './i18n.ts';

// Names of the network's value sets (categories, regions, phases, markings…) in the console's
// languages, from the same vocabulary as the after-action report (src/modules/operations/
// after-action.i18n.ts). Each map is typed against the schema's enum: a value the schema adds,
// drops or spells otherwise fails the console's type check until it is named here.

/** The values of one of the schema's enums. */
export type EnumOf<Name extends keyof introspection_types> = introspection_types[Name] extends {
  enumValues: infer Values extends string;
}
  ? Values
  : never;

export type Category = EnumOf<'ProductCategory'>;
export type Region = EnumOf<'Region'>;
export type Phase = EnumOf<'OperationPhase'>;
export type Marking = EnumOf<'Tlp'>;

const CATEGORY: Record<Lang, Record<Category, string>> = {
  en: {
    APPAREL: 'Apparel',
    AUTO_PARTS: 'Auto parts',
    BATTERIES: 'Batteries',
    COSMETICS: 'Cosmetics',
    ELECTRONICS: 'Electronics',
    FOOD_BEVERAGE: 'Food and beverages',
    FOOTWEAR: 'Footwear',
    LEATHER_GOODS: 'Leather goods',
    MACHINERY: 'Machinery',
    OTHER: 'Other',
    PHARMACEUTICALS: 'Pharmaceuticals',
    SOFTWARE_MEDIA: 'Software and media',
    TOBACCO_ALCOHOL: 'Tobacco and alcohol',
    TOYS: 'Toys',
    WATCHES_JEWELLERY: 'Watches and jewellery',
  },
  'zh-Hans': {
    APPAREL: '服装',
    AUTO_PARTS: '汽车零部件',
    BATTERIES: '电池',
    COSMETICS: '化妆品',
    ELECTRONICS: '电子产品',
    FOOD_BEVERAGE: '食品饮料',
    FOOTWEAR: '鞋类',
    LEATHER_GOODS: '皮具',
    MACHINERY: '机械',
    OTHER: '其他',
    PHARMACEUTICALS: '药品',
    SOFTWARE_MEDIA: '软件及媒体',
    TOBACCO_ALCOHOL: '烟酒',
    TOYS: '玩具',
    WATCHES_JEWELLERY: '钟表珠宝',
  },
  'zh-Hant': {
    APPAREL: '服裝',
    AUTO_PARTS: '汽車零件',
    BATTERIES: '電池',
    COSMETICS: '化妝品',
    ELECTRONICS: '電子產品',
    FOOD_BEVERAGE: '食品飲品',
    FOOTWEAR: '鞋類',
    LEATHER_GOODS: '皮具',
    MACHINERY: '機械',
    OTHER: '其他',
    PHARMACEUTICALS: '藥物',
    SOFTWARE_MEDIA: '軟件及媒體',
    TOBACCO_ALCOHOL: '煙酒',
    TOYS: '玩具',
    WATCHES_JEWELLERY: '鐘錶珠寶',
  },
  pt: {
    APPAREL: 'Vestuário',
    AUTO_PARTS: 'Peças automóveis',
    BATTERIES: 'Baterias',
    COSMETICS: 'Cosméticos',
    ELECTRONICS: 'Eletrónica',
    FOOD_BEVERAGE: 'Alimentos e bebidas',
    FOOTWEAR: 'Calçado',
    LEATHER_GOODS: 'Artigos de couro',
    MACHINERY: 'Maquinaria',
    OTHER: 'Outros',
    PHARMACEUTICALS: 'Medicamentos',
    SOFTWARE_MEDIA: 'Software e media',
    TOBACCO_ALCOHOL: 'Tabaco e bebidas alcoólicas',
    TOYS: 'Brinquedos',
    WATCHES_JEWELLERY: 'Relógios e joalharia',
  },
};

const REGION: Record<Lang, Record<Region, string>> = {
  en: {
    GREATER_BAY_AREA: 'Greater Bay Area',
    PAN_PEARL_RIVER_DELTA: 'Pan-Pearl River Delta',
    BELT_AND_ROAD: 'Belt and Road',
  },
  'zh-Hans': {
    GREATER_BAY_AREA: '粤港澳大湾区',
    PAN_PEARL_RIVER_DELTA: '泛珠三角',
    BELT_AND_ROAD: '一带一路',
  },
  'zh-Hant': {
    GREATER_BAY_AREA: '粵港澳大灣區',
    PAN_PEARL_RIVER_DELTA: '泛珠三角',
    BELT_AND_ROAD: '一帶一路',
  },
  pt: {
    GREATER_BAY_AREA: 'Grande Baía',
    PAN_PEARL_RIVER_DELTA: 'Pan-Delta do Rio das Pérolas',
    BELT_AND_ROAD: 'Faixa e Rota',
  },
};

const PHASE: Record<Lang, Record<Phase, string>> = {
  en: {
    PROPOSED: 'Proposed',
    PREPARATION: 'Preparation',
    ACTION: 'Action',
    EVALUATION: 'Evaluation',
    CLOSED: 'Closed',
    CANCELLED: 'Cancelled',
  },
  'zh-Hans': {
    PROPOSED: '提议',
    PREPARATION: '准备',
    ACTION: '行动',
    EVALUATION: '评估',
    CLOSED: '结束',
    CANCELLED: '取消',
  },
  'zh-Hant': {
    PROPOSED: '提議',
    PREPARATION: '準備',
    ACTION: '行動',
    EVALUATION: '評估',
    CLOSED: '結束',
    CANCELLED: '取消',
  },
  pt: {
    PROPOSED: 'Proposta',
    PREPARATION: 'Preparação',
    ACTION: 'Ação',
    EVALUATION: 'Avaliação',
    CLOSED: 'Encerrada',
    CANCELLED: 'Cancelada',
  },
};

const MARKING: Record<Marking, string> = {
  CLEAR: 'TLP:CLEAR',
  GREEN: 'TLP:GREEN',
  AMBER: 'TLP:AMBER',
  AMBER_STRICT: 'TLP:AMBER+STRICT',
  RED: 'TLP:RED',
};

export const categoryName = (lang: Lang, value: Category) => CATEGORY[lang][value];
export const regionName = (lang: Lang, value: Region) => REGION[lang][value];
export const phaseName = (lang: Lang, value: Phase) => PHASE[lang][value];
export const markingName = (value: Marking) => MARKING[value];
export const REGIONS = Object.keys(REGION.en) as Region[];
export const CATEGORIES = Object.keys(CATEGORY.en) as Category[];
export const MARKINGS: Marking[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
export const PHASES: Phase[] = [
  'PROPOSED',
  'PREPARATION',
  'ACTION',
  'EVALUATION',
  'CLOSED',
  'CANCELLED',
];

/** The other value sets the console shows, each a value the schema has, named in a word. */
type Valued =
  | EnumOf<'TaskStatus'>
  | EnumOf<'ForumEventStatus'>
  | EnumOf<'SightingType'>
  | EnumOf<'AccessRequestStatus'>
  | EnumOf<'RegistrationType'>
  | EnumOf<'ObservableType'>;

/** Every other value set the console shows, by value, in the four languages. */
const VALUES: Record<Lang, Record<Valued, string>> = {
  en: {
    BLOCKED: 'blocked',
    DONE: 'done',
    IN_PROGRESS: 'in progress',
    OPEN: 'open',
    CANCELLED: 'cancelled',
    CLOSED: 'closed',
    DRAFT: 'draft',
    FALSE_POSITIVE: 'false positive',
    SEEN: 'seen',
    TRUE_POSITIVE: 'true positive',
    APPROVED: 'approved',
    DECLINED: 'declined',
    PENDING: 'pending',
    SPEAKER: 'speaker',
    DELEGATE: 'delegate',
    OBSERVER: 'observer',
    PRESS: 'press',
    AIR_WAYBILL: 'air waybill',
    BILL_OF_LADING: 'bill of lading',
    COMPANY_NAME: 'company name',
    COMPANY_REGISTRATION: 'company registration',
    CONTAINER_NUMBER: 'container number',
    COURIER_TRACKING: 'courier tracking number',
    DOMAIN: 'domain',
    EMAIL: 'e-mail address',
    GTIN: 'GTIN',
    MARKETPLACE_LISTING: 'marketplace listing',
    PAYMENT_ACCOUNT: 'payment account',
    PERSON_NAME: 'person’s name',
    PHONE: 'phone number',
    POSTAL_ADDRESS: 'postal address',
    TRADEMARK_REGISTRATION: 'trademark registration',
    VESSEL_IMO: 'vessel IMO number',
    WEBSITE_URL: 'web address',
  },
  'zh-Hans': {
    BLOCKED: '受阻',
    DONE: '已完成',
    IN_PROGRESS: '进行中',
    OPEN: '开放',
    CANCELLED: '已取消',
    CLOSED: '已结束',
    DRAFT: '草稿',
    FALSE_POSITIVE: '误报',
    SEEN: '已发现',
    TRUE_POSITIVE: '确认命中',
    APPROVED: '已批准',
    DECLINED: '已拒绝',
    PENDING: '待处理',
    SPEAKER: '演讲嘉宾',
    DELEGATE: '代表',
    OBSERVER: '观察员',
    PRESS: '媒体',
    AIR_WAYBILL: '航空运单',
    BILL_OF_LADING: '提单',
    COMPANY_NAME: '公司名称',
    COMPANY_REGISTRATION: '公司注册号',
    CONTAINER_NUMBER: '集装箱号',
    COURIER_TRACKING: '快件单号',
    DOMAIN: '域名',
    EMAIL: '电子邮件地址',
    GTIN: '商品条码（GTIN）',
    MARKETPLACE_LISTING: '电商平台商品页',
    PAYMENT_ACCOUNT: '支付账户',
    PERSON_NAME: '人员姓名',
    PHONE: '电话号码',
    POSTAL_ADDRESS: '邮寄地址',
    TRADEMARK_REGISTRATION: '商标注册号',
    VESSEL_IMO: '船舶 IMO 编号',
    WEBSITE_URL: '网址',
  },
  'zh-Hant': {
    BLOCKED: '受阻',
    DONE: '已完成',
    IN_PROGRESS: '進行中',
    OPEN: '開放',
    CANCELLED: '已取消',
    CLOSED: '已結束',
    DRAFT: '草稿',
    FALSE_POSITIVE: '誤報',
    SEEN: '已發現',
    TRUE_POSITIVE: '確認命中',
    APPROVED: '已批准',
    DECLINED: '已拒絕',
    PENDING: '待處理',
    SPEAKER: '演講嘉賓',
    DELEGATE: '代表',
    OBSERVER: '觀察員',
    PRESS: '媒體',
    AIR_WAYBILL: '空運提單',
    BILL_OF_LADING: '提單',
    COMPANY_NAME: '公司名稱',
    COMPANY_REGISTRATION: '公司註冊號',
    CONTAINER_NUMBER: '貨櫃號',
    COURIER_TRACKING: '快遞單號',
    DOMAIN: '域名',
    EMAIL: '電子郵件地址',
    GTIN: '商品條碼（GTIN）',
    MARKETPLACE_LISTING: '網購平台商品頁',
    PAYMENT_ACCOUNT: '支付賬戶',
    PERSON_NAME: '人員姓名',
    PHONE: '電話號碼',
    POSTAL_ADDRESS: '郵寄地址',
    TRADEMARK_REGISTRATION: '商標註冊號',
    VESSEL_IMO: '船舶 IMO 編號',
    WEBSITE_URL: '網址',
  },
  pt: {
    BLOCKED: 'bloqueada',
    DONE: 'concluída',
    IN_PROGRESS: 'em curso',
    OPEN: 'aberta',
    CANCELLED: 'cancelado',
    CLOSED: 'encerrado',
    DRAFT: 'rascunho',
    FALSE_POSITIVE: 'falso positivo',
    SEEN: 'visto',
    TRUE_POSITIVE: 'positivo confirmado',
    APPROVED: 'aprovado',
    DECLINED: 'recusado',
    PENDING: 'pendente',
    SPEAKER: 'orador',
    DELEGATE: 'delegado',
    OBSERVER: 'observador',
    PRESS: 'imprensa',
    AIR_WAYBILL: 'carta de porte aéreo',
    BILL_OF_LADING: 'conhecimento de embarque',
    COMPANY_NAME: 'nome de empresa',
    COMPANY_REGISTRATION: 'registo comercial',
    CONTAINER_NUMBER: 'número de contentor',
    COURIER_TRACKING: 'número de envio expresso',
    DOMAIN: 'domínio',
    EMAIL: 'endereço eletrónico',
    GTIN: 'GTIN',
    MARKETPLACE_LISTING: 'anúncio em plataforma',
    PAYMENT_ACCOUNT: 'conta de pagamento',
    PERSON_NAME: 'nome de pessoa',
    PHONE: 'número de telefone',
    POSTAL_ADDRESS: 'morada postal',
    TRADEMARK_REGISTRATION: 'registo de marca',
    VESSEL_IMO: 'número IMO do navio',
    WEBSITE_URL: 'endereço web',
  },
};

/** The name of any other value the console shows (task and event status, observable types…). */
export const valueName = (lang: Lang, value: Valued) => VALUES[lang][value];

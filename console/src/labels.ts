import type { Lang } from './i18n.ts';

// Names of the network's value sets (categories, regions, phases, markings) in the console's
// languages, from the same vocabulary as the after-action report.

type Names = Record<string, string>;

const CATEGORY: Record<Lang, Names> = {
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
    AUTO_PARTS: '汽車零部件',
    BATTERIES: '電池',
    COSMETICS: '化妝品',
    ELECTRONICS: '電子產品',
    FOOD_BEVERAGE: '食品飲料',
    FOOTWEAR: '鞋類',
    LEATHER_GOODS: '皮具',
    MACHINERY: '機械',
    OTHER: '其他',
    PHARMACEUTICALS: '藥品',
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

const REGION: Record<Lang, Names> = {
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

const PHASE: Record<Lang, Names> = {
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

const MARKING: Names = {
  CLEAR: 'TLP:CLEAR',
  GREEN: 'TLP:GREEN',
  AMBER: 'TLP:AMBER',
  AMBER_STRICT: 'TLP:AMBER+STRICT',
  RED: 'TLP:RED',
};

export const categoryName = (lang: Lang, value: string) => CATEGORY[lang][value] ?? value;
export const regionName = (lang: Lang, value: string) => REGION[lang][value] ?? value;
export const phaseName = (lang: Lang, value: string) => PHASE[lang][value] ?? value;
export const markingName = (value: string) => MARKING[value] ?? value;
export const REGIONS = Object.keys(REGION.en);

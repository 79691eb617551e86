import type { WrittenLocale } from '../i18n/locale.js';

// Words of the after-action report in the languages it is written in (see writtenLocale).

export type Words = {
  title: string;
  generated: string;
  marking: string;
  phase: string;
  lead: string;
  objective: string;
  legalBasis: string;
  window: string;
  targets: string;
  timeline: string;
  participants: string;
  conditions: string;
  removed: string;
  tasks: string;
  noTasks: string;
  due: string;
  outcome: string;
  results: string;
  /** Headings of the results table: agency, kind, what, value, where and how. */
  resultColumns: [string, string, string, string, string];
  noResults: string;
  totals: string;
  seized: string;
  marketValue: string;
  byAgency: string;
  linkedIntel: string;
  noLinkedIntel: string;
  hiddenIntel: (n: number) => string;
  readOnlyIntel: (n: number) => string;
  proposed: string;
  seizures: string;
  enums: Record<string, string>;
};

const en: Words = {
  title: 'After-action report',
  generated: 'Generated',
  marking: 'Marking',
  phase: 'Phase',
  lead: 'Lead agency',
  objective: 'Objective',
  legalBasis: 'Legal basis and notes',
  window: 'Planned window',
  targets: 'Target countries and regions',
  timeline: 'Timeline',
  participants: 'Participants',
  conditions: 'conditions',
  removed: 'removed',
  tasks: 'Tasks',
  noTasks: 'No tasks.',
  due: 'due',
  outcome: 'outcome',
  results: 'Results',
  resultColumns: ['Agency', 'Result', 'What', 'Estimated value', 'Where and how'],
  noResults: 'No results recorded.',
  totals: 'Totals',
  seized: 'Seized',
  marketValue: 'Estimated market value',
  byAgency: 'By agency',
  linkedIntel: 'Linked intelligence',
  noLinkedIntel: 'None you may see.',
  hiddenIntel: (n) =>
    `${n} more linked report${n === 1 ? '' : 's'} you may not see (request access from the operation).`,
  readOnlyIntel: (n) =>
    `${n} linked report${n === 1 ? '' : 's'} under TLP:AMBER+STRICT or TLP:RED may be read in IPNet, not exported: ${n === 1 ? 'it is' : 'they are'} not described here.`,
  proposed: 'Proposed',
  seizures: 'seizures',
  enums: {},
};

const zhHans: Words = {
  title: '行动总结报告',
  generated: '生成时间',
  marking: '标记',
  phase: '阶段',
  lead: '牵头机构',
  objective: '行动目标',
  legalBasis: '法律依据及备注',
  window: '计划时间',
  targets: '目标国家及区域',
  timeline: '时间线',
  participants: '参与机构',
  conditions: '条件',
  removed: '已退出',
  tasks: '任务',
  noTasks: '无任务。',
  due: '截止',
  outcome: '结果',
  results: '行动成果',
  resultColumns: ['单位', '成果', '内容', '估计市值', '地点及方式'],
  noResults: '未记录成果。',
  totals: '合计',
  seized: '查扣',
  marketValue: '估计市场价值',
  byAgency: '按机构',
  linkedIntel: '关联情报',
  noLinkedIntel: '无可查看的关联情报。',
  hiddenIntel: (n) => `另有 ${n} 份关联情报您无权查看（可在行动中申请访问）。`,
  readOnlyIntel: (n) =>
    `${n} 份标记为 TLP:AMBER+STRICT 或 TLP:RED 的关联情报只可在 IPNet 内阅读、不得导出，故此处不作描述。`,
  proposed: '提出',
  seizures: '宗查扣',
  enums: {
    PROPOSED: '提议',
    PREPARATION: '准备',
    ACTION: '行动',
    EVALUATION: '评估',
    CLOSED: '结束',
    CANCELLED: '取消',
    LEAD: '牵头',
    PARTICIPANT: '参与',
    OBSERVER: '观察员',
    OPEN: '待办',
    IN_PROGRESS: '进行中',
    BLOCKED: '受阻',
    DONE: '完成',
    SEIZURE: '查扣',
    ARREST: '拘捕人数',
    PREMISES_INSPECTED: '检查场所',
    TAKEDOWN: '下架网站或链接',
    CRIMINAL_CASE_OPENED: '刑事立案',
    ADMINISTRATIVE_CASE_OPENED: '行政立案',
    REFERRED_TO_PROSECUTION: '移送检察机关',
    REFERRED_TO_COURT: '移送法院',
    APPAREL: '服装',
    FOOTWEAR: '鞋类',
    LEATHER_GOODS: '皮具',
    WATCHES_JEWELLERY: '钟表珠宝',
    ELECTRONICS: '电子产品',
    BATTERIES: '电池',
    PHARMACEUTICALS: '药品',
    COSMETICS: '化妆品',
    FOOD_BEVERAGE: '食品饮料',
    TOBACCO_ALCOHOL: '烟酒',
    AUTO_PARTS: '汽车零部件',
    TOYS: '玩具',
    SOFTWARE_MEDIA: '软件及媒体',
    MACHINERY: '机械',
    OTHER: '其他',
    PIECE: '件',
    PAIR: '双',
    SET: '套',
    CARTON: '箱',
    KILOGRAM: '千克',
    LITRE: '升',
    CONTAINER: '个货柜',
    COURIER_HUB: '快件中心',
    POSTAL_CENTRE: '邮件处理中心',
    CONTAINER_TERMINAL: '集装箱码头',
    LAND_CROSSING: '陆路口岸',
    AIRPORT: '机场',
    SEAPORT: '海港',
    WAREHOUSE: '仓库',
    FACTORY: '工厂',
    RETAIL_PREMISES: '零售场所',
    MARKETPLACE: '电商平台',
    ONLINE: '网络',
    GREATER_BAY_AREA: '粤港澳大湾区',
    PAN_PEARL_RIVER_DELTA: '泛珠三角',
    BELT_AND_ROAD: '一带一路',
  },
};

/** Traditional Chinese, with the terms Hong Kong and Macao agencies use. */
const zhHant: Words = {
  ...zhHans,
  title: '行動總結報告',
  generated: '生成時間',
  marking: '標記',
  phase: '階段',
  lead: '牽頭機構',
  objective: '行動目標',
  legalBasis: '法律依據及備註',
  window: '計劃時間',
  targets: '目標國家及區域',
  timeline: '時間線',
  participants: '參與機構',
  conditions: '條件',
  removed: '已退出',
  tasks: '任務',
  noTasks: '無任務。',
  due: '截止',
  outcome: '結果',
  results: '行動成果',
  resultColumns: ['單位', '成果', '內容', '估計市值', '地點及方式'],
  noResults: '未記錄成果。',
  totals: '合計',
  seized: '檢獲',
  marketValue: '估計市值',
  byAgency: '按機構',
  linkedIntel: '關聯情報',
  noLinkedIntel: '無可查看的關聯情報。',
  hiddenIntel: (n) => `另有 ${n} 份關聯情報您無權查看（可在行動中申請存取）。`,
  readOnlyIntel: (n) =>
    `${n} 份標記為 TLP:AMBER+STRICT 或 TLP:RED 的關聯情報只可在 IPNet 內閱讀、不得匯出，故此處不作描述。`,
  proposed: '提出',
  seizures: '宗檢獲',
  enums: {
    ...zhHans.enums,
    PROPOSED: '提議',
    PREPARATION: '準備',
    ACTION: '行動',
    EVALUATION: '評估',
    CLOSED: '結束',
    CANCELLED: '取消',
    LEAD: '牽頭',
    PARTICIPANT: '參與',
    OBSERVER: '觀察員',
    OPEN: '待辦',
    IN_PROGRESS: '進行中',
    BLOCKED: '受阻',
    DONE: '完成',
    SEIZURE: '檢獲',
    ARREST: '拘捕人數',
    PREMISES_INSPECTED: '巡查處所',
    TAKEDOWN: '移除網站或連結',
    CRIMINAL_CASE_OPENED: '刑事立案',
    ADMINISTRATIVE_CASE_OPENED: '行政立案',
    REFERRED_TO_PROSECUTION: '移交檢控',
    REFERRED_TO_COURT: '移交法院',
    APPAREL: '服裝',
    FOOTWEAR: '鞋類',
    LEATHER_GOODS: '皮具',
    WATCHES_JEWELLERY: '鐘錶珠寶',
    ELECTRONICS: '電子產品',
    BATTERIES: '電池',
    PHARMACEUTICALS: '藥物',
    COSMETICS: '化妝品',
    FOOD_BEVERAGE: '食品飲品',
    TOBACCO_ALCOHOL: '煙酒',
    AUTO_PARTS: '汽車零件',
    TOYS: '玩具',
    SOFTWARE_MEDIA: '軟件及媒體',
    MACHINERY: '機械',
    OTHER: '其他',
    PIECE: '件',
    PAIR: '對',
    SET: '套',
    CARTON: '箱',
    KILOGRAM: '公斤',
    LITRE: '公升',
    CONTAINER: '個貨櫃',
    COURIER_HUB: '快件中心',
    POSTAL_CENTRE: '郵件中心',
    CONTAINER_TERMINAL: '貨櫃碼頭',
    LAND_CROSSING: '陸路口岸',
    AIRPORT: '機場',
    SEAPORT: '海港',
    WAREHOUSE: '倉庫',
    FACTORY: '工廠',
    RETAIL_PREMISES: '零售處所',
    MARKETPLACE: '網上平台',
    ONLINE: '網絡',
    GREATER_BAY_AREA: '粵港澳大灣區',
    PAN_PEARL_RIVER_DELTA: '泛珠三角',
    BELT_AND_ROAD: '一帶一路',
  },
};

const WORDS: Record<WrittenLocale, Words> = { en, 'zh-Hans': zhHans, 'zh-Hant': zhHant };

export function wordsFor(locale: WrittenLocale): Words {
  return WORDS[locale];
}

/** An enum value in words: the translation, or in English its name in lower case. */
export function term(words: Words, value: string): string {
  return words.enums[value] ?? value.toLowerCase().replaceAll('_', ' ');
}

import { signal } from '@preact/signals';

// The console's words in the network's four languages. The server writes alert summaries in the
// same locale (`summary(locale:)`); titles stay as their authors wrote them.

export type Lang = 'en' | 'zh-Hans' | 'zh-Hant' | 'pt';
export const LANGS: { code: Lang; name: string; locale: 'EN' | 'ZH_HANS' | 'ZH_HANT' | 'PT' }[] = [
  { code: 'en', name: 'English', locale: 'EN' },
  { code: 'zh-Hans', name: '简体中文', locale: 'ZH_HANS' },
  { code: 'zh-Hant', name: '繁體中文', locale: 'ZH_HANT' },
  { code: 'pt', name: 'Português', locale: 'PT' },
];

const en = {
  appName: 'GBA IPNet',
  signIn: 'Sign in',
  signOut: 'Sign out',
  email: 'E-mail',
  password: 'Password',
  signInFailed: 'The e-mail or the password is not right.',
  signInThrottled: 'Too many attempts: wait a moment and try again.',
  language: 'Language',
  alerts: 'Alerts',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  unread: (n: number) => (n === 1 ? '1 unread' : `${n} unread`),
  acknowledge: 'Mark read',
  acknowledgeAll: 'Mark all read',
  noAlerts: 'No alerts yet. New ones appear here as they happen.',
  notify: 'Desktop notifications',
  notifyOn: 'Desktop notifications are on',
  severity: { INFO: 'Info', WARNING: 'Warning', URGENT: 'Urgent' },
  filterSeverity: 'Severity',
  allSeverities: 'All',
  unreadOnly: 'Unread only',
  savedRules: 'Saved rules',
  noRule: 'No rule',
  error: 'Something went wrong; try again.',
  indicators: 'Annual indicators',
  year: 'Year',
  region: 'Region',
  allRegions: 'All regions',
  compare: 'Compare with the previous year',
  reportsByMarking: 'Reports shared, by marking',
  reportsByCategory: 'Reports shared, by category',
  reportsByRegion: 'Reports shared, by region',
  reportsTotal: 'Reports shared',
  matches: 'Hit/no-hit matches',
  accessGranted: 'Access requests granted',
  operationsByPhase: 'Operations, by phase',
  seizuresByCategory: 'Seizures, by category',
  marketValue: 'Estimated market value of seizures, by currency',
  exportCsv: 'Export the figures (CSV)',
  figure: 'Figure',
  item: 'Item',
  withheld: (n: number) => `fewer than ${n}`,
  scopeNetwork:
    'The whole network, aggregated: figures drawn from fewer items than the minimum group size are withheld.',
  scopeVisible: 'What you may see: your agency’s view of the network.',
};
type Words = typeof en;

const zhHans: Words = {
  ...en,
  signIn: '登录',
  signOut: '退出',
  email: '电子邮件',
  password: '密码',
  signInFailed: '电子邮件或密码不正确。',
  signInThrottled: '尝试次数过多，请稍后再试。',
  language: '语言',
  alerts: '警报',
  live: '实时',
  reconnecting: '正在重新连接…',
  unread: (n) => `${n} 条未读`,
  acknowledge: '标为已读',
  acknowledgeAll: '全部标为已读',
  noAlerts: '暂无警报。新警报将实时显示在这里。',
  notify: '桌面通知',
  notifyOn: '桌面通知已开启',
  severity: { INFO: '信息', WARNING: '警告', URGENT: '紧急' },
  filterSeverity: '级别',
  allSeverities: '全部',
  unreadOnly: '仅未读',
  savedRules: '已保存的规则',
  noRule: '不使用规则',
  error: '出现错误，请重试。',
  indicators: '年度指标',
  year: '年份',
  region: '区域',
  allRegions: '全部区域',
  compare: '与上一年比较',
  reportsByMarking: '共享报告（按标记）',
  reportsByCategory: '共享报告（按类别）',
  reportsByRegion: '共享报告（按区域）',
  reportsTotal: '共享报告',
  matches: '命中/未命中匹配',
  accessGranted: '获批的访问申请',
  operationsByPhase: '联合行动（按阶段）',
  seizuresByCategory: '查获（按类别）',
  marketValue: '查获物品估计市值（按币种）',
  exportCsv: '导出数据（CSV）',
  figure: '数据',
  item: '项目',
  withheld: (n) => `少于 ${n}`,
  scopeNetwork: '全网汇总：样本少于最小分组数的数据不予显示。',
  scopeVisible: '您可查看的范围：贵机构所见的网络。',
};

const zhHant: Words = {
  ...zhHans,
  signIn: '登入',
  signOut: '登出',
  email: '電子郵件',
  password: '密碼',
  signInFailed: '電子郵件或密碼不正確。',
  signInThrottled: '嘗試次數過多，請稍後再試。',
  language: '語言',
  alerts: '警報',
  live: '即時',
  reconnecting: '正在重新連線…',
  unread: (n) => `${n} 則未讀`,
  acknowledge: '標為已讀',
  acknowledgeAll: '全部標為已讀',
  noAlerts: '暫無警報。新警報將即時顯示於此。',
  notify: '桌面通知',
  notifyOn: '桌面通知已開啟',
  severity: { INFO: '資訊', WARNING: '警告', URGENT: '緊急' },
  filterSeverity: '級別',
  allSeverities: '全部',
  unreadOnly: '僅未讀',
  savedRules: '已儲存的規則',
  noRule: '不使用規則',
  error: '發生錯誤，請重試。',
  indicators: '年度指標',
  year: '年份',
  region: '區域',
  allRegions: '全部區域',
  compare: '與上一年比較',
  reportsByMarking: '共享報告（按標記）',
  reportsByCategory: '共享報告（按類別）',
  reportsByRegion: '共享報告（按區域）',
  reportsTotal: '共享報告',
  matches: '命中/未命中配對',
  accessGranted: '獲批的存取申請',
  operationsByPhase: '聯合行動（按階段）',
  seizuresByCategory: '檢獲（按類別）',
  marketValue: '檢獲物品估計市值（按幣種）',
  exportCsv: '匯出數據（CSV）',
  figure: '數據',
  item: '項目',
  withheld: (n) => `少於 ${n}`,
  scopeNetwork: '全網匯總：樣本少於最小分組數的數據不予顯示。',
  scopeVisible: '您可查看的範圍：貴機構所見的網絡。',
};

const pt: Words = {
  ...en,
  signIn: 'Entrar',
  signOut: 'Sair',
  email: 'Correio eletrónico',
  password: 'Palavra-passe',
  signInFailed: 'O correio eletrónico ou a palavra-passe não estão certos.',
  signInThrottled: 'Demasiadas tentativas: aguarde um momento e tente de novo.',
  language: 'Língua',
  alerts: 'Alertas',
  live: 'Em direto',
  reconnecting: 'A restabelecer a ligação…',
  unread: (n) => (n === 1 ? '1 por ler' : `${n} por ler`),
  acknowledge: 'Marcar como lido',
  acknowledgeAll: 'Marcar todos como lidos',
  noAlerts: 'Ainda não há alertas. Os novos aparecem aqui quando acontecem.',
  notify: 'Notificações no ambiente de trabalho',
  notifyOn: 'Notificações ativas',
  severity: { INFO: 'Informação', WARNING: 'Aviso', URGENT: 'Urgente' },
  filterSeverity: 'Gravidade',
  allSeverities: 'Todas',
  unreadOnly: 'Só por ler',
  savedRules: 'Regras guardadas',
  noRule: 'Sem regra',
  error: 'Algo correu mal; tente de novo.',
  indicators: 'Indicadores anuais',
  year: 'Ano',
  region: 'Região',
  allRegions: 'Todas as regiões',
  compare: 'Comparar com o ano anterior',
  reportsByMarking: 'Relatórios partilhados, por marcação',
  reportsByCategory: 'Relatórios partilhados, por categoria',
  reportsByRegion: 'Relatórios partilhados, por região',
  reportsTotal: 'Relatórios partilhados',
  matches: 'Correspondências hit/no-hit',
  accessGranted: 'Pedidos de acesso concedidos',
  operationsByPhase: 'Operações, por fase',
  seizuresByCategory: 'Apreensões, por categoria',
  marketValue: 'Valor de mercado estimado das apreensões, por moeda',
  exportCsv: 'Exportar os números (CSV)',
  figure: 'Número',
  item: 'Item',
  withheld: (n) => `menos de ${n}`,
  scopeNetwork:
    'Toda a rede, agregada: números com menos elementos do que o grupo mínimo não são mostrados.',
  scopeVisible: 'O que pode ver: a visão da rede da sua agência.',
};

const WORDS: Record<Lang, Words> = { en, 'zh-Hans': zhHans, 'zh-Hant': zhHant, pt };

function initialLang(): Lang {
  const saved = localStorage.getItem('ipnet.lang');
  if (saved && saved in WORDS) return saved as Lang;
  for (const wanted of navigator.languages ?? [navigator.language]) {
    const tag = wanted.toLowerCase();
    if (tag.startsWith('zh')) {
      return /hant|tw|hk|mo/.test(tag) ? 'zh-Hant' : 'zh-Hans';
    }
    if (tag.startsWith('pt')) return 'pt';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

export const lang = signal<Lang>(initialLang());

export function setLang(next: Lang): void {
  localStorage.setItem('ipnet.lang', next);
  lang.value = next;
  document.documentElement.lang = next;
}

export function t(): Words {
  return WORDS[lang.value];
}

export function localeEnum() {
  return LANGS.find((l) => l.code === lang.value)?.locale ?? 'EN';
}

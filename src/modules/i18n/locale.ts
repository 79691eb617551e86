// The languages the network speaks, as BCP 47 tags, and how a request picks one.

export const LOCALES = ['en', 'zh-Hans', 'zh-Hant', 'pt'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

/** Maps any BCP 47 tag to the closest supported locale, or null when there is none. */
export function matchLocale(tag: string): Locale | null {
  const lower = tag.trim().toLowerCase();
  if (lower === '' || lower === '*') return null;
  const [language, ...rest] = lower.split('-');
  if (language === 'en') return 'en';
  if (language === 'pt') return 'pt';
  if (language === 'zh' || language === 'yue') {
    // Traditional script by explicit tag, or by the regions that write it.
    if (rest.includes('hant') || rest.some((p) => ['hk', 'mo', 'tw'].includes(p))) return 'zh-Hant';
    if (language === 'yue' && !rest.includes('hans')) return 'zh-Hant';
    return 'zh-Hans';
  }
  return null;
}

/** The best supported locale of an `Accept-Language` header (RFC 9110 quality values). */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';').map((s) => s.trim());
      const q = params.find((p) => p.startsWith('q='));
      const quality = q ? Number.parseFloat(q.slice(2)) : 1;
      return { tag, quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const entry of ranked) {
    const locale = matchLocale(entry.tag);
    if (locale) return locale;
  }
  return null;
}

/** The languages texts are written in; Portuguese readers get English until translations are reviewed. */
export type WrittenLocale = 'en' | 'zh-Hans' | 'zh-Hant';

export function writtenLocale(locale: Locale): WrittenLocale {
  return locale === 'zh-Hans' || locale === 'zh-Hant' ? locale : 'en';
}

const SUFFIX: Record<Locale, string> = {
  en: 'En',
  'zh-Hans': 'ZhHans',
  'zh-Hant': 'ZhHant',
  pt: 'Pt',
};

/**
 * A text kept in every language as `<field>En`, `<field>ZhHans`, `<field>ZhHant`, `<field>Pt`
 * (names, descriptions, titles), in the wanted locale; Portuguese is optional and falls back
 * to English.
 */
export function localizedText(row: object, field: string, locale: Locale): string {
  const values = row as Record<string, unknown>;
  const value = values[`${field}${SUFFIX[locale]}`] ?? values[`${field}En`];
  return typeof value === 'string' ? value : '';
}

export interface LocalizedNames {
  nameEn: string;
  nameZhHans: string;
  nameZhHant: string;
  namePt: string | null;
}

/** A name in the wanted locale; Portuguese falls back to English, as it is optional. */
export function localizedName(names: LocalizedNames, locale: Locale): string {
  return localizedText(names, 'name', locale);
}

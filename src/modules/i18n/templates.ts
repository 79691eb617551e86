import { toHongKongScript } from './chinese-script.js';
import type { WrittenLocale } from './locale.js';

// Message templates are written in English and Simplified Chinese; the Traditional Chinese set
// is converted from the Simplified one (OpenCC, Hong Kong standard) before any fact is filled
// in, so names, titles and reasons are never converted.

function convertStrings<T>(value: T, convert: (text: string) => string): T {
  if (typeof value === 'string') return convert(value) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, convertStrings(inner, convert)]),
    ) as T;
  }
  return value;
}

/**
 * One template set per written locale: English, Simplified, and Traditional converted (when
 * first asked for).
 */
export function templateLanguages<T>(en: T, zhHans: T): Readonly<Record<WrittenLocale, T>> {
  let zhHant: T | null = null;
  return {
    en,
    'zh-Hans': zhHans,
    get 'zh-Hant'() {
      zhHant ??= convertStrings(zhHans, toHongKongScript);
      return zhHant;
    },
  };
}

/** Fills `{key}` placeholders in one pass: a value that itself contains "{key}" stays as is. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

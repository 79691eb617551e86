import { toSimplifiedScript } from '../i18n/chinese-script.js';

// Search that works across Simplified and Traditional Chinese, English and Portuguese.
// Chinese has no spaces between words, so matching is by substring (served by a trigram index);
// both the stored text and the query are folded to lower case and Simplified script, so 偽造
// finds 伪造; and each query term is widened by a small enforcement thesaurus, so 翻版, 假冒 and
// "counterfeit" find each other.

export function foldForSearch(text: string): string {
  return toSimplifiedScript(text.normalize('NFKC').toLowerCase());
}

/** Terms that enforcement officers use for the same thing, in our four languages. */
const THESAURUS: string[][] = [
  [
    'counterfeit',
    'fake',
    'knock-off',
    'knockoff',
    '假冒',
    '仿冒',
    '冒牌',
    '山寨',
    '假货',
    '翻版',
    'contrafeito',
    'contrafação',
    'falsificado',
    'falsificação',
  ],
  ['pirated', 'piracy', '盗版', '翻版', 'pirataria', 'pirata'],
  ['seizure', 'seized', '查获', '扣押', '检获', 'apreensão', 'apreendido'],
  ['battery', 'batteries', '电池', 'bateria', 'baterias'],
  ['cosmetics', 'cosmetic', '化妆品', 'cosméticos', 'cosmético'],
  ['trademark', '商标', 'marca registada', 'marca'],
];

const byTerm = new Map<string, Set<string>>();
for (const group of THESAURUS) {
  const folded = group.map(foldForSearch);
  for (const term of folded) {
    const variants = byTerm.get(term) ?? new Set<string>();
    for (const other of folded) variants.add(other);
    byTerm.set(term, variants);
  }
}

/**
 * The query as a list of terms, each a set of alternatives: a report matches when, for every
 * term, its text contains one of the alternatives.
 */
export function searchTerms(query: string): string[][] {
  return foldForSearch(query)
    .split(/\s+/)
    .filter((term) => term.length > 0)
    .slice(0, 8)
    .map((term) => [...(byTerm.get(term) ?? new Set([term]))]);
}

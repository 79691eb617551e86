import { builder } from '../../builder.js';
import type { Locale } from './locale.js';

export const LocaleEnum = builder.enumType('Locale', {
  description: 'A language of the network (BCP 47 tag in the description).',
  values: {
    EN: { value: 'en', description: 'English (en)' },
    ZH_HANS: { value: 'zh-Hans', description: 'Simplified Chinese (zh-Hans)' },
    ZH_HANT: { value: 'zh-Hant', description: 'Traditional Chinese (zh-Hant)' },
    PT: { value: 'pt', description: 'Portuguese (pt)' },
  } as const satisfies Record<string, { value: Locale; description: string }>,
});

import * as OpenCC from 'opencc-js';

// Conversion between Simplified and Traditional (Hong Kong) Chinese script. Building an OpenCC
// converter reads its dictionaries (about 100 ms), so each is built on first use, not while the
// server starts.

type Convert = (text: string) => string;

function onFirstUse(build: () => Convert): Convert {
  let convert: Convert | null = null;
  return (text) => {
    convert ??= build();
    return convert(text);
  };
}

/** Simplified to Traditional, Hong Kong standard (message templates). */
export const toHongKongScript = onFirstUse(() => OpenCC.Converter({ from: 'cn', to: 'hk' }));

/** Traditional (Hong Kong or Taiwan forms) to Simplified (search folding). */
export const toSimplifiedScript = onFirstUse(() => OpenCC.Converter({ from: 'hk', to: 'cn' }));

import type { EnumOf } from './labels.ts';

// Recognises what kind of observable a pasted line is, from its shape only: the server checks
// it (check digits, country rules) and gives its normal form (`lookupObservable`). A line that
// fits none of these shapes keeps no type: the analyst chooses one.
//
//   CONTAINER_NUMBER  ISO 6346: owner code, U/J/Z, 6 digits, check digit   CSQU 305438-3
//   VESSEL_IMO        IMO and 7 digits                                     IMO 9074729
//   AIR_WAYBILL       3-digit prefix and 8 digits                          160-12345675
//   GTIN              8, 12, 13 or 14 digits                               4006381333931
//   PHONE             + and the country code                               +852 2123 4567
//   EMAIL             an address                                           sales@example.com
//   WEBSITE_URL       http(s) address                                      https://shop.example/x
//   DOMAIN            a host name                                          www.example.com

export type ObservableType = EnumOf<'ObservableType'>;

const SHAPES: [ObservableType, RegExp][] = [
  ['EMAIL', /^[^\s@]+@[^\s@]+\.[^\s@]+$/],
  ['WEBSITE_URL', /^https?:\/\/\S+$/i],
  ['CONTAINER_NUMBER', /^[A-Z]{3}[UJZ][\s-]?\d{6}[\s-]?\d$/i],
  ['VESSEL_IMO', /^IMO[\s:-]?\d{7}$/i],
  ['AIR_WAYBILL', /^\d{3}[\s-]?\d{4}[\s-]?\d{4}$/],
  ['PHONE', /^\+\d[\d\s().-]{6,}\d$/],
  ['GTIN', /^(\d{8}|\d{12,14})$/],
  ['DOMAIN', /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i],
];

/** The type a value's shape says, or null. */
export function recognise(value: string): ObservableType | null {
  const text = value.trim();
  const compact = text.replace(/[\s-]/g, '');
  for (const [type, shape] of SHAPES) {
    if (shape.test(type === 'GTIN' ? compact : text)) return type;
  }
  return null;
}

/** Pasted text, one observable a line (blank lines skipped), each with the type it looks like. */
export function recogniseLines(text: string): { type: ObservableType | null; value: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((value) => ({ type: recognise(value), value }));
}

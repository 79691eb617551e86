// Check-digit rules of the identifiers that travel with counterfeit goods (docs: DOMAIN.md).
// Each returns true when the identifier, already normalised, carries a correct check digit.

/** ISO 6346 letter values: A=10 upward, skipping multiples of 11 (so K=21, U=32, V=34). */
function iso6346LetterValue(letter: string): number {
  let value = 10;
  for (let code = 65; code < letter.charCodeAt(0); code += 1) {
    value += 1;
    if (value % 11 === 0) value += 1;
  }
  return value;
}

/** Container number, ISO 6346: `CSQU3054383`. */
export function isValidContainerNumber(value: string): boolean {
  if (!/^[A-Z]{3}[UJZ]\d{7}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i += 1) {
    const char = value.charAt(i);
    const n = i < 4 ? iso6346LetterValue(char) : Number(char);
    sum += n * 2 ** i;
  }
  return (sum % 11) % 10 === Number(value.charAt(10));
}

/** Air waybill: 3-digit airline prefix + 8-digit serial whose last digit = first 7 mod 7. */
export function isValidAirWaybill(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false;
  const serial = value.slice(3);
  return Number(serial.slice(0, 7)) % 7 === Number(serial.charAt(7));
}

/** IMO ship number: `IMO` + 7 digits, digits 1–6 weighted 7..2, sum mod 10 = digit 7. */
export function isValidImoNumber(value: string): boolean {
  const match = /^IMO(\d{7})$/.exec(value);
  if (!match?.[1]) return false;
  const digits = match[1].split('').map(Number);
  const sum = digits.slice(0, 6).reduce((acc, d, i) => acc + d * (7 - i), 0);
  return sum % 10 === digits[6];
}

/** GTIN-8/12/13/14: weights 3,1 alternating from the right, excluding the check digit. */
export function isValidGtin(value: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(value)) return false;
  const digits = value.split('').map(Number);
  const check = digits.pop();
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

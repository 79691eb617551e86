import { createHmac } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { matchSecret } from '../../config.js';
import type { ObservableType } from '../../generated/prisma/enums.js';
import {
  isValidAirWaybill,
  isValidContainerNumber,
  isValidGtin,
  isValidImoNumber,
} from './check-digits.js';

// Observables are validated, then normalised so that the same thing written two ways (spaces,
// case, dashes, `www.`) becomes one value; only then is it hashed for correlation.

export type Normalised = { ok: true; value: string } | { ok: false; message: string };

const ok = (value: string): Normalised => ({ ok: true, value });
const fail = (message: string): Normalised => ({ ok: false, message });

/** Unicode-compatible, trimmed, single-spaced text (full-width digits become ASCII, etc.). */
function text(raw: string): string {
  return raw.normalize('NFKC').trim().replace(/\s+/g, ' ');
}

/** Letters and digits only, upper case: for codes people write with spaces or dashes. */
function compactCode(raw: string): string {
  return text(raw)
    .toUpperCase()
    .replace(/[\s\-./]/g, '');
}

function freeText(label: string, max = 300) {
  return (raw: string): Normalised => {
    const value = text(raw);
    if (value.length < 2) return fail(`a ${label} needs at least 2 characters`);
    if (value.length > max) return fail(`a ${label} has at most ${max} characters`);
    return ok(value);
  };
}

function code(label: string, pattern: RegExp, example: string) {
  return (raw: string): Normalised => {
    const value = compactCode(raw);
    return pattern.test(value) ? ok(value) : fail(`is not a ${label} (for example ${example})`);
  };
}

function hostname(raw: string): string | null {
  try {
    const host = new URL(`http://${raw}`).hostname.replace(/\.$/, '');
    return /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$/.test(host)
      ? host
      : null;
  } catch {
    return null;
  }
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** The host as the address writes it (before the URL parser rewrites `1.2.3` as `1.2.0.3`). */
const WRITTEN_HOST = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)/i;

/**
 * A web address's host: a domain name, an IPv4 address written as four decimal numbers, or an
 * IPv6 address in brackets (the URL parser has already checked and compressed it).
 */
function urlHost(parsed: URL, written: string): boolean {
  const host = parsed.hostname;
  if (host.startsWith('[')) return true;
  if (IPV4.test(host)) return WRITTEN_HOST.exec(written)?.[1] === host;
  return hostname(host) !== null;
}

function url(raw: string): Normalised {
  let parsed: URL;
  const written = text(raw).includes('://') ? text(raw) : `https://${text(raw)}`;
  try {
    parsed = new URL(written);
  } catch {
    return fail('is not a web address (for example https://shop.example.com/item/123)');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return fail('must be an http or https address');
  }
  if (!urlHost(parsed, written)) return fail('does not have a valid host name');
  parsed.hash = '';
  // The scheme does not change what the page is: http and https forms correlate. The host is
  // already lower case; the path keeps its case for display (the match hash folds it).
  return ok(`${parsed.host}${parsed.pathname.replace(/\/$/, '')}${parsed.search}`);
}

const normalisers: Record<ObservableType, (raw: string) => Normalised> = {
  COMPANY_NAME: freeText('company name'),
  PERSON_NAME: freeText('person name', 200),
  POSTAL_ADDRESS: freeText('postal address', 500),
  COMPANY_REGISTRATION: code(
    'company registration number',
    /^[A-Z0-9]{4,30}$/,
    '91440101MA5CXXXX1X',
  ),
  BILL_OF_LADING: code('bill of lading number', /^[A-Z0-9]{6,25}$/, 'MEDUHK123456'),
  COURIER_TRACKING: code('courier tracking number', /^[A-Z0-9]{8,40}$/, 'SF1234567890123'),
  TRADEMARK_REGISTRATION: code('trademark registration number', /^[A-Z0-9]{3,30}$/, '303456789'),
  PAYMENT_ACCOUNT: code('payment account', /^[A-Z0-9@]{4,64}$/, 'HK12BANK0001234567'),
  WEBSITE_URL: url,
  MARKETPLACE_LISTING: url,
  DOMAIN: (raw) => {
    const host = hostname(
      text(raw)
        .toLowerCase()
        .replace(/^https?:\/\//, '')
        .split('/')[0] ?? '',
    );
    return host
      ? ok(host.replace(/^www\./, ''))
      : fail('is not a domain name (for example fake-shop.example)');
  },
  EMAIL: (raw) => {
    const value = text(raw).toLowerCase();
    return z.email().safeParse(value).success ? ok(value) : fail('is not an e-mail address');
  },
  PHONE: (raw) => {
    const phone = parsePhoneNumberFromString(text(raw));
    if (!phone) return fail('write the number with its country code, e.g. +852 2123 4567');
    return phone.isValid()
      ? ok(phone.number)
      : fail('is not a valid phone number for its country code');
  },
  CONTAINER_NUMBER: (raw) => {
    const value = compactCode(raw);
    if (!/^[A-Z]{3}[UJZ]\d{7}$/.test(value)) {
      return fail(
        'is not an ISO 6346 container number: 3-letter owner code, U, J or Z, 7 digits (e.g. CSQU3054383)',
      );
    }
    return isValidContainerNumber(value) ? ok(value) : fail('has a wrong ISO 6346 check digit');
  },
  AIR_WAYBILL: (raw) => {
    const value = compactCode(raw);
    if (!/^\d{11}$/.test(value))
      return fail('is not an air waybill: 3-digit prefix and 8 digits (e.g. 160-12345675)');
    return isValidAirWaybill(value)
      ? ok(`${value.slice(0, 3)}-${value.slice(3)}`)
      : fail('has a wrong air waybill check digit (serial mod 7)');
  },
  VESSEL_IMO: (raw) => {
    const digits = compactCode(raw).replace(/^IMO/, '');
    if (!/^\d{7}$/.test(digits))
      return fail('is not an IMO ship number: IMO and 7 digits (e.g. IMO 9074729)');
    const value = `IMO${digits}`;
    return isValidImoNumber(value) ? ok(value) : fail('has a wrong IMO check digit');
  },
  GTIN: (raw) => {
    const value = compactCode(raw);
    if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(value))
      return fail('is not a GTIN: 8, 12, 13 or 14 digits');
    return isValidGtin(value) ? ok(value) : fail('has a wrong GTIN check digit');
  },
};

export function normaliseObservable(type: ObservableType, raw: string): Normalised {
  if (raw.length > 2000) return fail('is too long (2000 characters at most)');
  return normalisers[type](raw);
}

/**
 * The value by which reports are matched: an HMAC, under the server's secret, of the type and
 * the case-folded normalised value. Raw values are never compared across agencies.
 */
export function observableHash(
  type: ObservableType,
  normalised: string,
  secret = matchSecret(),
): Uint8Array<ArrayBuffer> {
  const digest = createHmac('sha256', secret)
    .update(`${type}\u0000${normalised.toLowerCase()}`)
    .digest();
  return new Uint8Array(digest);
}

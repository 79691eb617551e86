import { GraphQLError, type ValueNode } from 'graphql';
import {
  CountryCodeResolver,
  CurrencyResolver,
  DateTimeResolver,
  EmailAddressResolver,
} from 'graphql-scalars';

// What a value of each scalar is, decided by graphql-scalars; this file only normalises (trim,
// case) and says the rule in one sentence. A value that breaks it is refused before the
// operation runs, as BAD_USER_INPUT naming the argument (graphql-js prefixes the variable and
// its path). Output values are the database's own and go out unchanged.

interface ScalarRule<T> {
  /** The sentence a refused value gets back. */
  rule: string;
  /** Turns an accepted input into the stored value, or throws. */
  parse: (value: string) => T;
}

function refusal(rule: string): GraphQLError {
  return new GraphQLError(rule, { extensions: { code: 'BAD_USER_INPUT' } });
}

function strictInput<T>({ rule, parse }: ScalarRule<T>) {
  const read = (value: unknown): T => {
    if (typeof value !== 'string') throw refusal(rule);
    try {
      return parse(value);
    } catch {
      throw refusal(rule);
    }
  };
  return {
    parseValue: read,
    parseLiteral: (ast: ValueNode) => read(ast.kind === 'StringValue' ? ast.value : null),
  };
}

const EARLIEST_YEAR = 1000;

export const dateTime = strictInput<Date>({
  rule: 'DateTime must be an RFC 3339 date and time with its offset, on a real calendar day, such as 2026-11-26T09:30:00Z or 2026-11-26T17:30:00+08:00.',
  parse: (value) => {
    const date: unknown = DateTimeResolver.parseValue(value);
    if (!(date instanceof Date) || date.getUTCFullYear() < EARLIEST_YEAR) throw new Error(value);
    return date;
  },
});

const MAX_EMAIL_LENGTH = 254;

export const emailAddress = strictInput<string>({
  rule: 'EmailAddress must be an e-mail address such as name@agency.gov (at most 254 characters).',
  parse: (value) => {
    const address = value.trim().toLowerCase();
    if (address.length > MAX_EMAIL_LENGTH) throw new Error('too long');
    return EmailAddressResolver.parseValue(address) as string;
  },
});

export const countryCode = strictInput<string>({
  rule: 'CountryCode must be an ISO 3166-1 alpha-2 country code such as HK, MO, CN, MY or FR.',
  parse: (value) => CountryCodeResolver.parseValue(value.trim().toUpperCase()) as string,
});

const SUBDIVISION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;

export const iso3166Code = strictInput<string>({
  rule: 'Iso3166Code must be an ISO 3166 code: a country (ISO 3166-1 alpha-2, such as HK) or a subdivision of one (ISO 3166-2, such as CN-GD).',
  parse: (value) => {
    const code = value.trim().toUpperCase();
    if (code.length > 2 && !SUBDIVISION.test(code)) throw new Error(code);
    CountryCodeResolver.parseValue(code.slice(0, 2));
    return code;
  },
});

export const currency = strictInput<string>({
  rule: 'Currency must be an ISO 4217 currency code such as CNY, HKD, MOP or USD.',
  parse: (value) => CurrencyResolver.parseValue(value.trim().toUpperCase()) as string,
});

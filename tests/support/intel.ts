import { expect } from 'vitest';
import { isValidContainerNumber } from '../../src/modules/intel/check-digits.js';
import { expectType, gql } from './api.js';
import { graphql, type VariablesOf } from './graphql.js';

// Writing reports through the real mutations, as an analyst would.

const CREATE_REPORT = graphql(`
  mutation CreateReport($input: IntelReportInput!) { createIntelReport(input: $input) { __typename } }
`);
/** The schema's IntelReportInput, as typed operations check it. */
export type IntelReportInput = VariablesOf<typeof CREATE_REPORT>['input'];

const BASE_REPORT: IntelReportInput = {
  title: 'Counterfeit lithium batteries in courier parcels',
  summary: 'Parcels declared as toys contained counterfeit power banks.',
  language: 'en',
  ipRight: 'TRADEMARK',
  category: 'BATTERIES',
  brands: ['VoltMax'],
  sourceReliability: 'B',
  infoCredibility: 2,
  tlp: 'GREEN',
  pap: 'GREEN',
  audience: { scope: 'NETWORK' },
};

/**
 * A valid report input, with `overrides` laid over it; without overrides it has the schema's
 * type. Overrides may be deliberately wrong (the validation tests send them as text queries).
 */
export function reportInput<Overrides extends Record<string, unknown> = Record<never, never>>(
  overrides?: Overrides,
) {
  return { ...BASE_REPORT, ...overrides };
}

const REPORT_FIELDS = 'id title status tlp version';

export async function createReport(token: string, overrides: Record<string, unknown> = {}) {
  const result = await gql(
    `mutation($input: IntelReportInput!) { createIntelReport(input: $input) {
      __typename ... on CreateIntelReportSuccess { report { ${REPORT_FIELDS} } }
      ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
    { input: reportInput(overrides) },
    { token },
  );
  expect(result.errors).toBeUndefined();
  return expectType<any>(result.data?.createIntelReport, 'CreateIntelReportSuccess').report as {
    id: string;
    title: string;
    status: string;
  };
}

export async function publishReport(token: string, id: string) {
  const result = await gql(
    `mutation($id: ID!) { publishIntelReport(id: $id) { __typename ... on Error { code message } } }`,
    { id },
    { token },
  );
  expectType(result.data?.publishIntelReport, 'PublishIntelReportSuccess');
}

export async function retractReport(token: string, id: string, reason = 'Information was wrong') {
  const result = await gql(
    `mutation($id: ID!, $reason: String!) { retractIntelReport(id: $id, reason: $reason) { __typename ... on Error { code message } } }`,
    { id, reason },
    { token },
  );
  expectType(result.data?.retractIntelReport, 'RetractIntelReportSuccess');
}

/** Creates and publishes; returns the report id. */
export async function publishedReport(token: string, overrides: Record<string, unknown> = {}) {
  const report = await createReport(token, overrides);
  await publishReport(token, report.id);
  return report.id;
}

/** A fresh, valid ISO 6346 container number, unique to the calling test. */
export function uniqueContainer(): string {
  const serial = String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0');
  for (let check = 0; check <= 9; check += 1) {
    const candidate = `TGHU${serial}${check}`;
    if (isValidContainerNumber(candidate)) return candidate;
  }
  return uniqueContainer();
}

/** A fresh, valid air waybill (prefix 160), unique to the calling test. */
export function uniqueAirWaybill(): string {
  const first7 = Math.floor(1_000_000 + Math.random() * 8_999_999);
  return `160-${first7}${first7 % 7}`;
}

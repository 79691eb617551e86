import { isValidContainerNumber } from '../../src/modules/intel/check-digits.js';
import { expectMember, globalId, send } from './api.js';
import { graphql, type VariablesOf } from './graphql.js';

// Writing reports through the real mutations, as an analyst would.

const CREATE_REPORT = graphql(`
  mutation CreateReport($input: IntelReportInput!) { createIntelReport(input: $input) { __typename } }
`);
/** The schema's IntelReportInput, as typed operations check it. */
export type IntelReportInput = VariablesOf<typeof CREATE_REPORT>['input'];
export type ObservableInput = NonNullable<IntelReportInput['observables']>[number];
export type AudienceInput = IntelReportInput['audience'];

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

const CREATE_REPORT_RETURNING = graphql(`
  mutation CreateReportReturning($input: IntelReportInput!) { createIntelReport(input: $input) {
    __typename
    ... on CreateIntelReportSuccess { report { id title status tlp version } }
    ... on ValidationError { issues { path message } }
    ... on Error { code message } } }
`);

/** Creates a draft through the mutation and returns it. */
export async function createReport(token: string, overrides: Partial<IntelReportInput> = {}) {
  const data = await send(token, CREATE_REPORT_RETURNING, { input: reportInput(overrides) });
  return expectMember(data.createIntelReport, 'CreateIntelReportSuccess').report;
}

const PUBLISH_REPORT = graphql(`
  mutation PublishReport($id: ID!) { publishIntelReport(id: $id) {
    __typename ... on Error { code message } } }
`);

export async function publishReport(token: string, id: string) {
  const data = await send(token, PUBLISH_REPORT, { id });
  expectMember(data.publishIntelReport, 'PublishIntelReportSuccess');
}

const RETRACT_REPORT = graphql(`
  mutation RetractReport($id: ID!, $reason: String!) { retractIntelReport(id: $id, reason: $reason) {
    __typename ... on Error { code message } } }
`);

export async function retractReport(token: string, id: string, reason = 'Information was wrong') {
  const data = await send(token, RETRACT_REPORT, { id, reason });
  expectMember(data.retractIntelReport, 'RetractIntelReportSuccess');
}

/** Creates and publishes; returns the report id. */
export async function publishedReport(token: string, overrides: Partial<IntelReportInput> = {}) {
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

/** The author changes a report. */
export const UPDATE_INTEL_REPORT = graphql(
  `mutation($id: ID!, $input: IntelReportChanges!) { updateIntelReport(id: $id, input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
);

/**
 * The reports of the visibility matrix, written by an analyst of agency A with `base`'s title and
 * observables: agency B is named in an audience and `recipientId`, one of its people, is the
 * named recipient of the TLP:RED report.
 */
export async function writeMatrixReports(
  token: string,
  base: Partial<IntelReportInput>,
  agencyB: string,
  recipientId: string,
  retractionReason?: string,
) {
  const greenNetwork = await publishedReport(token, { ...base, tlp: 'GREEN' });
  const amberRegionPprd = await publishedReport(token, {
    ...base,
    tlp: 'AMBER',
    audience: { scope: 'REGIONS', regions: ['PAN_PEARL_RIVER_DELTA'] },
  });
  const amberStrictAgencyB = await publishedReport(token, {
    ...base,
    tlp: 'AMBER_STRICT',
    audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', agencyB)] },
  });
  const redToB1 = await publishedReport(token, {
    ...base,
    tlp: 'RED',
    pap: 'RED',
    audience: { scope: 'RECIPIENTS', recipientIds: [globalId('User', recipientId)] },
  });
  const amberDraft = (await createReport(token, { ...base, tlp: 'AMBER' })).id;
  const greenRetracted = await publishedReport(token, { ...base, tlp: 'GREEN' });
  await retractReport(token, greenRetracted, retractionReason);
  return { greenNetwork, amberRegionPprd, amberStrictAgencyB, redToB1, amberDraft, greenRetracted };
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

// STIX 2.1 objects checked against the OASIS JSON schemas, object by object.

// The OASIS schemas are kept with the tests (tests/fixtures, with their licence and source);
// STIX_SCHEMAS_DIR points to another copy.
const schemaRoot =
  process.env.STIX_SCHEMAS_DIR ??
  fileURLToPath(new URL('../fixtures/stix2-json-schemas/schemas', import.meta.url));
if (!existsSync(schemaRoot)) {
  throw new Error(
    `The OASIS STIX 2.1 JSON schemas are not at ${schemaRoot}: set STIX_SCHEMAS_DIR to the "schemas" folder of oasis-open/cti-stix2-json-schemas.`,
  );
}
// The OASIS patterns use escapes that JavaScript rejects in unicode mode.
const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats.default(ajv);
for (const folder of readdirSync(schemaRoot)) {
  for (const file of readdirSync(join(schemaRoot, folder))) {
    ajv.addSchema(JSON.parse(readFileSync(join(schemaRoot, folder, file), 'utf8')));
  }
}
const base = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas';
const schemaFor: Record<string, string> = {
  bundle: `${base}/common/bundle.json`,
  'marking-definition': `${base}/common/marking-definition.json`,
  identity: `${base}/sdos/identity.json`,
  report: `${base}/sdos/report.json`,
  indicator: `${base}/sdos/indicator.json`,
  sighting: `${base}/sros/sighting.json`,
  'domain-name': `${base}/observables/domain-name.json`,
  url: `${base}/observables/url.json`,
  'email-addr': `${base}/observables/email-addr.json`,
};

/**
 * A STIX object as these tests read it once the OASIS schema has accepted it: its common
 * properties typed, the rest as the schema allows.
 */
export type StixObject = { type: string; id: string } & Record<string, unknown>;
export type StixBundle = StixObject & { objects: StixObject[] };

export function validate(value: unknown): asserts value is StixObject {
  const object = value as { type: string };
  const schemaId = schemaFor[object.type];
  expect(schemaId, `no schema for ${object.type}`).toBeDefined();
  const check = ajv.getSchema(schemaId as string);
  expect(check, schemaId).toBeDefined();
  const valid = check?.(object);
  expect(valid, `${object.type}: ${JSON.stringify(check?.errors)}`).toBe(true);
}

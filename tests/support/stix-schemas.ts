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
  'extension-definition': `${base}/common/extension-definition.json`,
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

/**
 * Objects the OASIS bundle schema does not list among a bundle's objects: an extension definition
 * (STIX 2.1 section 7.3, a meta object like a marking definition) falls into its branch for
 * custom objects, where it matches both the core and the cyber-observable core schema and so
 * fails their `oneOf`. A bundle is checked without them, and each of them against its own schema.
 */
const UNLISTED_IN_BUNDLE = new Set(['extension-definition']);

export function validate(value: unknown): asserts value is StixObject {
  const given = value as { type: string; objects?: unknown };
  let object = given;
  if (given.type === 'bundle' && Array.isArray(given.objects)) {
    const unlisted = (given.objects as { type: string }[]).filter((o) =>
      UNLISTED_IN_BUNDLE.has(o.type),
    );
    for (const inner of unlisted) validate(inner);
    object = { ...given, objects: given.objects.filter((o) => !unlisted.includes(o)) };
  }
  const schemaId = schemaFor[object.type];
  expect(schemaId, `no schema for ${object.type}`).toBeDefined();
  const check = ajv.getSchema(schemaId as string);
  expect(check, schemaId).toBeDefined();
  const valid = check?.(object);
  expect(valid, `${object.type}: ${JSON.stringify(check?.errors)}`).toBe(true);
}

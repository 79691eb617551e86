import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { yoga } from './api.js';
import type { StixObject } from './stix-schemas.js';

// IPNet's STIX property extension, checked as a strict consumer would: no object carries a
// top-level custom (`x_`) property, every object that uses the extension travels with its
// definition (and the identity that defines it), and each extension's content passes the JSON
// schema that the definition's `schema` URL names, fetched from the server.

export const IPNET_EXTENSION = 'extension-definition--0914c373-7a62-4633-bafe-b4e91bead402';
export const NETWORK_IDENTITY = 'identity--e87bfc30-6b14-4963-befe-ff238bdc9439';

const validators = new Map<string, ValidateFunction>();

/** The extension's JSON schema, from where its definition says, compiled once per address. */
export async function extensionValidator(schemaUrl: string): Promise<ValidateFunction> {
  const url = new URL(schemaUrl, 'http://localhost').pathname;
  const known = validators.get(url);
  if (known) return known;
  const response = await yoga.fetch(`http://localhost${url}`);
  expect(response.status, url).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/schema+json');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  const validator = ajv.compile(await response.json());
  validators.set(url, validator);
  return validator;
}

/** The IPNet extension of an object (its content), or undefined when it has none. */
export function ipnetExtensionOf(object: StixObject): Record<string, unknown> | undefined {
  const extensions = object.extensions as Record<string, Record<string, unknown>> | undefined;
  return extensions?.[IPNET_EXTENSION];
}

/** Checks a set of objects (a bundle's, or a TAXII pull) as described above. */
export async function expectIpnetExtension(objects: StixObject[]): Promise<void> {
  for (const object of objects) {
    const custom = Object.keys(object).filter((key) => key.startsWith('x_'));
    expect(custom, `${object.id} has custom properties`).toEqual([]);
  }
  const users = objects.filter((o) => ipnetExtensionOf(o) !== undefined);
  if (users.length === 0) return;
  const definition = objects.find((o) => o.id === IPNET_EXTENSION);
  expect(definition, 'the extension definition travels with its objects').toBeDefined();
  expect(definition).toMatchObject({
    type: 'extension-definition',
    spec_version: '2.1',
    created_by_ref: NETWORK_IDENTITY,
    extension_types: ['property-extension'],
    version: '1.0.0',
  });
  expect(objects.find((o) => o.id === NETWORK_IDENTITY)?.type).toBe('identity');
  const validator = await extensionValidator(String(definition?.schema));
  for (const object of users) {
    const extension = ipnetExtensionOf(object);
    expect(extension?.extension_type).toBe('property-extension');
    expect(
      validator(extension),
      `${object.id}: ${JSON.stringify(validator.errors)} in ${JSON.stringify(extension)}`,
    ).toBe(true);
  }
}

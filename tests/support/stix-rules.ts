import { expect } from 'vitest';
import type { StixObject } from './stix-schemas.js';

// The STIX 2.1 MUST rules the JSON schemas cannot express, checked over a set of objects (a
// bundle, or everything a TAXII client pulled): ids name their type, `modified` is not before
// `created`, references point at objects of the types the specification allows, markings are
// the OASIS TLP 2.0 definitions or defined alongside, and the versions of one id are ordered
// and agree on `created`.

/** The OASIS TLP 2.0 marking definitions (STIX 2.1, section 7.2.1.4 and the TLP 2.0 extension). */
export const OASIS_TLP2 = new Set([
  'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
]);

const SDO_TYPES = new Set([
  'attack-pattern',
  'campaign',
  'course-of-action',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'location',
  'malware',
  'malware-analysis',
  'note',
  'observed-data',
  'opinion',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
]);

/** Allowed target types of each reference property (STIX 2.1); null: any STIX object. */
const REF_TYPES: Record<string, ReadonlySet<string> | null> = {
  created_by_ref: new Set(['identity']),
  object_marking_refs: new Set(['marking-definition']),
  object_refs: null,
  sighting_of_ref: SDO_TYPES,
  where_sighted_refs: new Set(['identity', 'location']),
  observed_data_refs: new Set(['observed-data']),
};

const ID =
  /^([a-z][a-z0-9-]*[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Checks the rules; references must resolve within `objects` or to the OASIS TLP markings. */
export function expectStixRules(objects: StixObject[]): void {
  const byId = new Map<string, StixObject[]>();
  for (const object of objects) {
    const match = ID.exec(object.id);
    expect(match, `malformed id ${object.id}`).not.toBeNull();
    expect(match?.[1], `${object.id} is not a ${object.type}`).toBe(object.type);
    if (typeof object.created === 'string' && typeof object.modified === 'string') {
      expect(
        Date.parse(object.modified) >= Date.parse(object.created),
        `${object.id}: modified before created`,
      ).toBe(true);
    }
    byId.set(object.id, [...(byId.get(object.id) ?? []), object]);
  }
  for (const object of objects) {
    for (const [property, allowed] of Object.entries(REF_TYPES)) {
      const value = object[property];
      if (value === undefined) continue;
      const refs = Array.isArray(value) ? value : [value];
      for (const ref of refs as string[]) {
        const type = ID.exec(ref)?.[1];
        expect(type, `${object.id}.${property}: malformed ${ref}`).toBeDefined();
        if (allowed)
          expect(allowed.has(type as string), `${object.id}.${property} → ${ref}`).toBe(true);
        const known = byId.has(ref) || (type === 'marking-definition' && OASIS_TLP2.has(ref));
        expect(known, `${object.id}.${property} → ${ref} is not in the objects`).toBe(true);
      }
    }
    for (const ref of (object.object_marking_refs as string[] | undefined) ?? []) {
      expect(OASIS_TLP2.has(ref) || byId.has(ref), `${ref}: not a TLP 2.0 definition`).toBe(true);
    }
  }
  for (const [id, versions] of byId) {
    const stamped = versions.filter((v) => typeof v.modified === 'string');
    const times = stamped.map((v) => Date.parse(v.modified as string));
    expect(times, `${id}: versions out of order`).toEqual([...times].sort((a, b) => a - b));
    expect(
      new Set(stamped.map((v) => v.created)).size,
      `${id}: versions disagree on created`,
    ).toBeLessThanOrEqual(1);
  }
}

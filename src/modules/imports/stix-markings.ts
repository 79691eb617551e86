import type { Tlp } from '../../generated/prisma/enums.js';
import { TLP_EXTENSION, TLP_MARKINGS } from '../intel/stix.js';
import { quoted, RED_REFUSAL, strictest } from './import-plan.js';

// The TLP marking of one STIX object: its `object_marking_refs` and the `marking_ref` of each of
// its `granular_markings` (a marking on a part marks the object: IPNet keeps one marking per
// report). The TLP 2.0 definitions (OASIS ids or the TLP 2.0 extension) and the TLP 1.0 ones
// count; anything else, and TLP:RED, is a refusal. Lookups keyed by the document are Maps, so
// that a ref named `constructor` is no more than an unknown ref.

type StixObject = Record<string, unknown>;

/** The TLP 1.0 marking definitions of STIX 2.0/2.1 (section 7.2.1.4), mapped to TLP 2.0. */
const TLP1 = new Map<string, Tlp>([
  ['marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', 'CLEAR'],
  ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'GREEN'],
  ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', 'AMBER'],
  ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', 'RED'],
]);
const TLP2 = new Map(Object.entries(TLP_MARKINGS).map(([tlp, m]) => [m.id, tlp as Tlp]));
/** TLP 2.0 words (`amber+strict`) and TLP 1.0's `white`, as markings. */
const TLP_WORDS = new Map<string, Tlp>([
  ...Object.entries(TLP_MARKINGS).map(([tlp, m]) => [m.value, tlp as Tlp] as const),
  ['white', 'CLEAR'],
]);

function property(holder: unknown, name: string): unknown {
  return typeof holder === 'object' && holder !== null && Object.hasOwn(holder, name)
    ? (holder as Record<string, unknown>)[name]
    : undefined;
}

function word(value: unknown): Tlp | null {
  return typeof value === 'string' ? (TLP_WORDS.get(value) ?? null) : null;
}

/** The marking a definition object stands for, if it is a TLP one. */
function markingOf(definition: StixObject | undefined, id: string): Tlp | null {
  const known = TLP2.get(id) ?? TLP1.get(id);
  if (known) return known;
  if (!definition) return null;
  const extension = property(property(definition, 'extensions'), TLP_EXTENSION);
  const tlp2 = property(extension, 'tlp_2_0');
  if (typeof tlp2 === 'string') return word(tlp2);
  if (definition.definition_type === 'tlp') return word(property(definition.definition, 'tlp'));
  return null;
}

/** The ids of the markings an object names, whole or in part. */
function markingRefs(object: StixObject): unknown[] {
  const whole = Array.isArray(object.object_marking_refs) ? object.object_marking_refs : [];
  const parts = Array.isArray(object.granular_markings) ? object.granular_markings : [];
  // A granular marking by language (`lang`) has no marking_ref: nothing to honour.
  return [...whole, ...parts.map((part) => property(part, 'marking_ref')).filter(Boolean)];
}

/**
 * The strictest TLP an object is marked with (null when it has none), or why it cannot be
 * imported: a marking that is not TLP, or TLP:RED.
 */
export function tlpOf(
  object: StixObject,
  definitions: ReadonlyMap<string, StixObject>,
): { tlp: Tlp | null } | { reason: string } {
  const markings: Tlp[] = [];
  for (const ref of markingRefs(object)) {
    const tlp = typeof ref === 'string' ? markingOf(definitions.get(ref), ref) : null;
    if (!tlp) return { reason: `marking ${quoted(ref)} is not a TLP marking IPNet can honour` };
    markings.push(tlp);
  }
  const tlp = strictest(markings);
  return tlp === 'RED' ? { reason: RED_REFUSAL } : { tlp };
}

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

/** A marking an object names: whole (`object_marking_refs`) or on some of its properties. */
interface MarkingRef {
  ref: unknown;
  /** The selectors of a granular marking (`description`, `indicator_types.[1]`); null for the whole. */
  selectors: string[] | null;
}

/** The markings an object names, whole or in part. */
function markingRefs(object: StixObject): MarkingRef[] {
  const whole = Array.isArray(object.object_marking_refs) ? object.object_marking_refs : [];
  const parts = Array.isArray(object.granular_markings) ? object.granular_markings : [];
  return [
    ...whole.map((ref) => ({ ref, selectors: null })),
    // A granular marking by language (`lang`) has no marking_ref: nothing to honour.
    ...parts
      .map((part) => {
        const selectors = property(part, 'selectors');
        return {
          ref: property(part, 'marking_ref'),
          selectors: Array.isArray(selectors)
            ? selectors.filter((s): s is string => typeof s === 'string')
            : [],
        };
      })
      .filter((part) => part.ref),
  ];
}

/** Where a marking stands on the object, for a refusal: whole, or the properties it marks. */
function where({ selectors }: MarkingRef): string {
  if (selectors === null) return '';
  const named = selectors.slice(0, 3).map((s) => `"${quoted(s, 40)}"`);
  const more = selectors.length > 3 ? ` and ${selectors.length - 3} more` : '';
  return `a granular marking on ${named.join(', ') || 'part of it'}${more}: IPNet keeps one marking per report, so a marking on part of an object marks the whole object`;
}

/** `text (note; note)`, the notes that apply. */
function noted(text: string, notes: string[]): string {
  const said = notes.filter(Boolean);
  return said.length > 0 ? `${text} (${said.join('; ')})` : text;
}

/** Why a marking that is not TLP cannot be honoured, naming what it is when the bundle says. */
function notTlp(marking: MarkingRef, definition: StixObject | undefined): string {
  const id = quoted(marking.ref);
  if (definition?.definition_type === 'statement') {
    const statement = property(definition.definition, 'statement');
    return noted(
      `marking ${id} is a statement ("${quoted(statement)}"), not a TLP marking: IPNet keeps a TLP marking only and could not pass the statement on`,
      [where(marking)],
    );
  }
  if (!definition) {
    return noted(
      `marking ${id} is not a TLP marking IPNet knows, and the bundle does not define it`,
      [where(marking)],
    );
  }
  return noted(`marking ${id} is not a TLP marking IPNet can honour`, [where(marking)]);
}

/**
 * The strictest TLP an object is marked with (null when it has none), or why it cannot be
 * imported: a marking that is not TLP, or TLP:RED (whole, or on a part).
 */
export function tlpOf(
  object: StixObject,
  definitions: ReadonlyMap<string, StixObject>,
): { tlp: Tlp | null } | { reason: string } {
  const markings: Tlp[] = [];
  let red: MarkingRef | null = null;
  for (const marking of markingRefs(object)) {
    const definition = typeof marking.ref === 'string' ? definitions.get(marking.ref) : undefined;
    const tlp = typeof marking.ref === 'string' ? markingOf(definition, marking.ref) : null;
    if (!tlp) return { reason: notTlp(marking, definition) };
    if (tlp === 'RED') red ??= marking;
    markings.push(tlp);
  }
  if (red) {
    const tlp1 = typeof red.ref === 'string' && TLP1.has(red.ref);
    return {
      reason: noted(RED_REFUSAL, [tlp1 ? 'TLP 1.0 red, which is TLP:RED' : '', where(red)]),
    };
  }
  return { tlp: strictest(markings) };
}

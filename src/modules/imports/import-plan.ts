import { config } from '../../config.js';
import type { ObservableType, Tlp } from '../../generated/prisma/enums.js';
import type { ReportFields } from '../intel/intel.service.js';
import { TLP_MARKINGS } from '../intel/stix.js';

// What an import would write, before anything is written: the reports with their fields and
// observables (normalised), and every object refused, with the reason a person can act on.
// The STIX and MISP readers produce it; the import service previews or writes it.

export interface PlannedObservable {
  type: ObservableType;
  value: string;
  /** The STIX object or MISP attribute it came from. */
  sourceId: string | null;
}

export interface PlannedReport {
  /** The STIX report (or bundle) id, or the MISP event uuid: the report's `externalId`. */
  sourceId: string;
  fields: ReportFields;
  observables: PlannedObservable[];
  /**
   * When the report (bundle, event) has no TLP marking of its own and took the importer's
   * default: its id, then the objects it brings that carry none either. Empty otherwise.
   */
  markedByDefault: string[];
}

/** What the importer chooses for a whole import. */
export interface ImportOptions {
  /** The marking of a report, bundle or event that the document leaves unmarked; never RED. */
  defaultTlp: Tlp | null;
}

export interface Refusal {
  sourceId: string | null;
  sourceType: string;
  reason: string;
}

export interface ImportPlan {
  reports: PlannedReport[];
  refused: Refusal[];
}

/** Limits on one import, whatever its format. */
export const IMPORT_LIMITS = {
  /** Objects of a bundle, or attributes of an event. */
  objects: 5_000,
  reports: 100,
  observablesPerReport: 500,
  /** Observables of all its reports together: what one answer lists and one transaction writes. */
  observables: 5_000,
  /** Steps of planning (objects expanded, observables gathered): any bundle within the other limits plans in far fewer. */
  work: 1_000_000,
};

/**
 * The largest document, in bytes of JSON: the request body limit, which is what the server
 * reads and parses at once (see MAX_BODY_BYTES in docs/configuration.md).
 */
export function importSizeLimit(): number {
  return config().MAX_BODY_BYTES;
}

/** Planning work done by this process: tests check that it grows with the document, no faster. */
export const importWork = { expansions: 0 };

/** Planning runs on the request loop: it gives other requests a turn every few milliseconds. */
const SLICE_MS = 10;

export function pacer(): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < SLICE_MS) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        since = performance.now();
        resolve();
      }),
    );
  };
}

export const RED_REFUSAL = 'TLP:RED goes to named people: write it in IPNet, naming its recipients';

/** Marking order, lowest first (as TLP_MARKINGS lists them): several TLP markings give the strictest. */
const TLP_ORDER = Object.keys(TLP_MARKINGS) as Tlp[];

export function strictest(markings: readonly Tlp[]): Tlp | null {
  let found: Tlp | null = null;
  for (const tlp of markings) {
    if (found === null || TLP_ORDER.indexOf(tlp) > TLP_ORDER.indexOf(found)) found = tlp;
  }
  return found;
}

/** `an attack-pattern`, `a malware`: a STIX or MISP type named in a message. */
export function withArticle(word: string): string {
  return /^[aeio]/i.test(word) ? `an ${word}` : `a ${word}`;
}

/** Text a field may take: trimmed, within its length, or a fallback. */
export function clip(value: unknown, max: number, fallback: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  return (text || fallback).slice(0, max);
}

/** Text from a document, for a message: what it says, within reason. */
export function quoted(value: unknown, max = 100): string {
  if (typeof value !== 'string') return '(not text)';
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

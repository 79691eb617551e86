import { type Marking, markingName } from './labels.ts';

// A TLP 2.0 marking as FIRST draws it: the label in its colour on black.
export function Tlp({ tlp }: { tlp: Marking }) {
  return <span class={`tlp tlp-${tlp.toLowerCase().replace('_', '-')}`}>{markingName(tlp)}</span>;
}

// A TLP 2.0 marking as FIRST draws it: the label in its colour on black.
const LABELS: Record<string, string> = {
  CLEAR: 'TLP:CLEAR',
  GREEN: 'TLP:GREEN',
  AMBER: 'TLP:AMBER',
  AMBER_STRICT: 'TLP:AMBER+STRICT',
  RED: 'TLP:RED',
};

export function Tlp({ tlp }: { tlp: string }) {
  return <span class={`tlp tlp-${tlp.toLowerCase().replace('_', '-')}`}>{LABELS[tlp] ?? tlp}</span>;
}

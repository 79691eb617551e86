import { lang } from './i18n.ts';

// Times as the console shows them: always with their zone, the reader's own unless the thing
// has one (an event happens in its own city's time). Days alone are days in the reader's zone.

/** A moment, with its zone named: "12 Mar 2026, 09:30 GMT+8". */
export function dateTime(iso: string, timeZone?: string | null): string {
  // Date and time styles cannot name the zone: the parts are spelt out.
  return new Date(iso).toLocaleString(lang.value, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    ...(timeZone ? { timeZone } : {}),
  });
}

/** A day: "12 Mar 2026". */
export function day(iso: string): string {
  return new Date(iso).toLocaleDateString(lang.value, { dateStyle: 'medium' });
}

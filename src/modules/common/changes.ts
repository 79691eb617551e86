import { Prisma } from '../../generated/prisma/client.js';

// What a change changes: the fields whose value differs, as before/after pairs. Used to write
// version histories and change logs, and to skip writes that change nothing.

export interface FieldChange {
  from: unknown;
  to: unknown;
}

/** A value as it compares and as it is recorded: dates as ISO strings, decimals as strings. */
function comparable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Prisma.Decimal) return value.toString();
  return value ?? null;
}

/** The fields of `proposed` (undefined: left out) whose value differs from `before`. */
export function changedFields(
  before: object,
  proposed: Record<string, unknown>,
): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const [key, value] of Object.entries(proposed)) {
    if (value === undefined) continue;
    const from = comparable((before as Record<string, unknown>)[key]);
    const to = comparable(value);
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
  }
  return changes;
}

/** The proposed values of the fields that changed, ready to write. */
export function changedValues(
  changes: Record<string, FieldChange>,
  proposed: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(Object.keys(changes).map((key) => [key, proposed[key]]));
}

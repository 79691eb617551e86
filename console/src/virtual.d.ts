// Modules the console's build makes (console/vite.config.ts).
declare module 'virtual:ipnet-schema' {
  /** The members of each union and interface of the published schema. */
  export const possibleTypes: Record<string, string[]>;
  /** Object types without an `id`: kept inside the entity that holds them. */
  export const embeddedTypes: string[];
}

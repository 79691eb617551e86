import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';

// Every mutation of the public API is either used by the web console or listed in
// docs/console.md under "For programs only" with the reason: a new mutation cannot go unnoticed,
// and a listed one the console comes to use has its line removed.

const root = join(import.meta.dirname, '..');

/** The mutations of the published schema. */
function schemaMutations(): string[] {
  const schema = buildSchema(readFileSync(join(root, 'schema', 'schema.graphql'), 'utf8'));
  return Object.keys(schema.getMutationType()?.getFields() ?? {}).sort();
}

/** The root fields of every mutation the console's GraphQL documents send. */
function consoleMutations(): Set<string> {
  const used = new Set<string>();
  const sources = readdirSync(join(root, 'console', 'src'), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.tsx?$/.test(name) && !name.endsWith('.d.ts'))
    .map((name) => readFileSync(join(root, 'console', 'src', name), 'utf8'));
  for (const source of sources) {
    for (const [, text] of source.matchAll(/graphql\(\s*`([^`]*)`/g)) {
      for (const definition of parse(text ?? '').definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== 'mutation') {
          continue;
        }
        for (const selection of definition.selectionSet.selections) {
          if (selection.kind === Kind.FIELD) used.add(selection.name.value);
        }
      }
    }
  }
  return used;
}

/** docs/console.md's "For programs only" table: each mutation with its reason. */
function programsOnly(): Map<string, string> {
  const doc = readFileSync(join(root, 'docs', 'console.md'), 'utf8');
  const section = /^## For programs only\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(doc)?.[1] ?? '';
  const listed = new Map<string, string>();
  for (const [, name, reason] of section.matchAll(/^\| `(\w+)` +\| (.*?) *\|$/gm)) {
    if (name) listed.set(name, reason ?? '');
  }
  return listed;
}

describe('the console and the API’s mutations', () => {
  const mutations = schemaMutations();
  const used = consoleMutations();
  const listed = programsOnly();

  it('finds the console’s mutations and the documented list', () => {
    expect(used.size).toBeGreaterThan(10);
    expect(used).toContain('signIn');
    expect(listed.size).toBeGreaterThan(0);
  });

  it('uses every mutation or says why it is for programs only', () => {
    const neither = mutations.filter((name) => !used.has(name) && !listed.has(name));
    expect(neither, 'add them to the console or to docs/console.md "For programs only"').toEqual(
      [],
    );
  });

  it('gives a reason for each one listed, lists only mutations that exist, none the console uses', () => {
    for (const [name, reason] of listed) {
      expect(reason.trim().length, `${name} has no reason`).toBeGreaterThan(10);
    }
    expect([...listed.keys()].filter((name) => !mutations.includes(name))).toEqual([]);
    expect([...listed.keys()].filter((name) => used.has(name))).toEqual([]);
  });

  it('sends only mutations the schema has', () => {
    expect([...used].filter((name) => !mutations.includes(name))).toEqual([]);
  });
});

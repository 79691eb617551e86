import type { Plugin } from '@envelop/core';
import { decodeGlobalID } from '@pothos/plugin-relay';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
  getArgumentValues,
  getNullableType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  isScalarType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Context } from './context.js';

// Malformed arguments are the caller's mistake, and the caller is told which one: a NUL byte
// (PostgreSQL text cannot hold it), an id this API never gave out, a negative page size. They are
// checked before execution, against the schema, so no resolver or database sees them and none
// ends as an "Unexpected error". What needs a value's meaning (a cursor of another list) is
// answered the same way from the resolver's own refusal (see `asBadInput`).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface GlobalIdExtensions {
  isRelayGlobalID?: boolean;
  relayGlobalIDFor?: { typename: string }[] | null;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Why `value` is not an id of one of `expected` (any node type when null), or null if it is. */
export function globalIdProblem(
  schema: GraphQLSchema,
  value: string,
  expected: readonly string[] | null,
): string | null {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(value);
  } catch {
    return 'is not an id given out by this API';
  }
  const type = schema.getType(decoded.typename);
  const isNode =
    isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node' && isInterfaceType(i));
  if (!isNode || !isUuid(decoded.id)) return 'is not an id given out by this API';
  if (expected && !expected.includes(decoded.typename)) {
    return `is an id of type ${decoded.typename}, where one of type ${expected.join(' or ')} is expected`;
  }
  return null;
}

function badInput(field: string, path: string, message: string): GraphQLError {
  return new GraphQLError(`Argument "${path}" of ${field}: ${message}.`, {
    extensions: { code: 'BAD_USER_INPUT', argument: path },
  });
}

/** Every problem in one argument value, walked along its input type. */
function valueProblems(
  schema: GraphQLSchema,
  type: GraphQLInputType,
  value: unknown,
  path: string,
  extensions: GlobalIdExtensions,
): { path: string; message: string }[] {
  if (value === null || value === undefined) return [];
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const items = Array.isArray(value) ? value : [value];
    return items.flatMap((item, index) =>
      valueProblems(schema, nullable.ofType, item, `${path}.${index}`, extensions),
    );
  }
  if (isInputObjectType(nullable)) {
    if (typeof value !== 'object') return [];
    const fields = nullable.getFields();
    return Object.entries(value as Record<string, unknown>).flatMap(([name, fieldValue]) => {
      const field = fields[name];
      return field
        ? valueProblems(
            schema,
            field.type,
            fieldValue,
            `${path}.${name}`,
            field.extensions as GlobalIdExtensions,
          )
        : [];
    });
  }
  if (!isScalarType(nullable)) return [];
  const problem = jsonProblem(value);
  if (problem) return [{ path: [path, ...problem.path].join('.'), message: problem.message }];
  if (extensions.isRelayGlobalID && typeof value === 'string') {
    const expected = extensions.relayGlobalIDFor?.map((t) => t.typename) ?? null;
    const problem = globalIdProblem(schema, value, expected);
    return problem ? [{ path, message: problem }] : [];
  }
  return [];
}

/** How deep a JSON value may nest: far beyond any STIX or MISP document, and walked without recursion. */
export const MAX_JSON_DEPTH = 100;

/** Half of a UTF-16 pair on its own: no UTF-8 text, so PostgreSQL refuses it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (it holds a lone surrogate)';
  return null;
}

/**
 * The first problem of a value taken as JSON (its strings, and the keys and strings of its
 * objects and arrays), with the path to it: NUL, a lone surrogate, or nesting deeper than
 * MAX_JSON_DEPTH. Walked with a stack of its own, so that no document can exhaust the call
 * stack; the GraphQL guard and the import endpoints give the same answer.
 */
export function jsonProblem(value: unknown): { path: string[]; message: string } | null {
  const pending: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value: item, path } = next;
    if (typeof item === 'string') {
      const message = textProblem(item);
      if (message) return { path, message };
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    if (path.length >= MAX_JSON_DEPTH) {
      // The path to the top of the nesting: the rest is a hundred steps of the same.
      return {
        path: path.slice(0, 3),
        message: `is nested more than ${MAX_JSON_DEPTH} levels deep`,
      };
    }
    const keys = Array.isArray(item) ? item.map((_, index) => String(index)) : Object.keys(item);
    for (const key of keys) {
      const message = textProblem(key);
      if (message) return { path: [...path, key], message };
    }
    // Pushed last first, so that the first problem in document order is the one named.
    for (const key of keys.reverse()) {
      pending.push({ value: (item as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}

const PAGE_SIZE_ARGUMENTS = new Set(['first', 'last']);

/** The problems of every argument in the operation, with the field they belong to. */
export function argumentProblems(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): GraphQLError[] {
  const typeInfo = new TypeInfo(schema);
  const errors: GraphQLError[] = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const definition = typeInfo.getFieldDef();
        if (!definition || !node.arguments?.length) return;
        let values: Record<string, unknown>;
        try {
          values = getArgumentValues(definition, node, variables ?? {});
        } catch {
          return; // Execution reports values that do not fit their type, with its own message.
        }
        const field = node.name.value;
        for (const argument of definition.args) {
          const value = values[argument.name];
          if (PAGE_SIZE_ARGUMENTS.has(argument.name) && typeof value === 'number' && value < 0) {
            errors.push(badInput(field, argument.name, 'must be 0 or more'));
            continue;
          }
          for (const problem of valueProblems(
            schema,
            argument.type,
            value,
            argument.name,
            argument.extensions as GlobalIdExtensions,
          )) {
            errors.push(badInput(field, problem.path, problem.message));
          }
        }
      },
    }),
  );
  return errors;
}

/**
 * Refusals the schema's plugins raise for an argument they cannot read (a cursor that is not one
 * of theirs, a page size they refuse), as BAD_USER_INPUT naming the argument. Null for other errors.
 */
export function asBadInput(error: GraphQLError, original: unknown): GraphQLError | null {
  if (!(original instanceof Error) || original.name !== 'PothosValidationError') return null;
  const field = error.nodes?.[0];
  const given = field?.kind === Kind.FIELD ? (field.arguments ?? []).map((a) => a.name.value) : [];
  const cursor = given.find((name) => name === 'after' || name === 'before');
  const message =
    cursor && /cursor|base64/i.test(original.message)
      ? `Argument "${cursor}" of ${field?.kind === Kind.FIELD ? field.name.value : 'this field'}: is not a cursor this list gave out.`
      : original.message;
  return new GraphQLError(message, {
    path: error.path,
    extensions: { code: 'BAD_USER_INPUT', ...(cursor ? { argument: cursor } : {}) },
  });
}

/** Checks the arguments of every operation, over HTTP, SSE and WebSocket alike. */
export function useInputGuard(): Plugin<Context> {
  const guard = ({
    args,
    setResultAndStopExecution,
  }: {
    args: { schema: GraphQLSchema; document: DocumentNode; variableValues?: unknown };
    setResultAndStopExecution: (result: { errors: GraphQLError[] }) => void;
  }) => {
    const errors = argumentProblems(
      args.schema,
      args.document,
      (args.variableValues ?? undefined) as Record<string, unknown> | undefined,
    );
    if (errors.length > 0) setResultAndStopExecution({ errors });
  };
  return { onExecute: guard, onSubscribe: guard };
}

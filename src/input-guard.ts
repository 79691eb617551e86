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
  if (anyText(value, hasNul))
    return [{ path, message: 'must not contain NUL (\\u0000) characters' }];
  if (anyText(value, hasLoneSurrogate)) {
    return [{ path, message: 'must be valid Unicode text (it holds a lone surrogate)' }];
  }
  if (extensions.isRelayGlobalID && typeof value === 'string') {
    const expected = extensions.relayGlobalIDFor?.map((t) => t.typename) ?? null;
    const problem = globalIdProblem(schema, value, expected);
    return problem ? [{ path, message: problem }] : [];
  }
  return [];
}

const hasNul = (text: string) => text.includes('\u0000');
/** Half of a UTF-16 pair on its own: no UTF-8 text, so PostgreSQL refuses it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const hasLoneSurrogate = (text: string) => LONE_SURROGATE.test(text);

/** Whether any text in `value` (strings, and keys and strings of JSON values) is `bad`. */
function anyText(value: unknown, bad: (text: string) => boolean): boolean {
  if (typeof value === 'string') return bad(value);
  if (Array.isArray(value)) return value.some((item) => anyText(item, bad));
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, v]) => bad(key) || anyText(v, bad));
  }
  return false;
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

import SchemaBuilder, {
  BasePlugin,
  createContextCache,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';

// A type's read step: what must happen once for each object of the type a request returns,
// before any of its fields is resolved, whichever path returned it (a root field, a nested
// field, `node(id:)`, a connection's edge). The intelligence report's step writes the access log
// (src/modules/intel/access-log.ts): there is no reading of a sensitive report without its
// record, and the step is named where the type is defined instead of hiding in an authorization
// check. It runs after the field's authorization (this plugin is the innermost wrapper), and a
// step that fails fails the object's fields: nothing is delivered unrecorded.

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      readStep: ReadStepPlugin<Types>;
    }
    interface ObjectTypeOptions<Types extends SchemaTypes, Shape> {
      /** Runs once per object of this type and request, before its first field resolves. */
      onRead?: (object: Shape, context: Types['Context']) => Promise<void> | void;
    }
  }
}

type OnRead = (object: unknown, context: object) => Promise<void> | void;

export class ReadStepPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  /** Each request's steps, by object: every field of one object waits for the same step. */
  private readonly steps = createContextCache(() => new WeakMap<object, Promise<void>>());

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const parent = this.buildCache.getTypeConfig(fieldConfig.parentType);
    const onRead = parent.kind === 'Object' ? (parent.pothosOptions.onRead as OnRead) : undefined;
    if (!onRead) return resolver;
    return async (object, args, context, info) => {
      const steps = this.steps(context);
      const key = object as object;
      let step = steps.get(key);
      if (!step) {
        step = Promise.resolve(onRead(object, context));
        steps.set(key, step);
      }
      await step;
      return resolver(object, args, context, info);
    };
  }
}

/** The plugin's name, as the builder's `plugins` list takes it. */
export const ReadStep = 'readStep' as const;

SchemaBuilder.registerPlugin(ReadStep, ReadStepPlugin);

import { readFileSync } from 'node:fs';
import preact from '@preact/preset-vite';
import { buildSchema, isAbstractType, isObjectType } from 'graphql';
import { defineConfig, type Plugin } from 'vite';

// The console is served by the API server at /console (src/console.ts), from console/dist.

const SCHEMA = new URL('../schema/schema.graphql', import.meta.url);
const SCHEMA_MODULE = 'virtual:ipnet-schema';

/**
 * What the normalised cache needs of the published schema (console/src/client.ts), read from
 * schema/schema.graphql at every build so it can never be stale: the members of each union and
 * interface (to match `... on Error` fragments exactly, not by guessing), and the object types
 * that have no `id`, which the cache keeps inside their parent instead of as entities of their
 * own. A few kilobytes, where the whole introspected schema would be 150.
 */
function schemaModule(): Plugin {
  return {
    name: 'ipnet-schema',
    resolveId: (id) => (id === SCHEMA_MODULE ? `\0${SCHEMA_MODULE}` : null),
    load(id) {
      if (id !== `\0${SCHEMA_MODULE}`) return null;
      this.addWatchFile(SCHEMA.pathname);
      const schema = buildSchema(readFileSync(SCHEMA, 'utf8'));
      const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
      const types = Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__'));
      const possibleTypes = Object.fromEntries(
        types
          .filter(isAbstractType)
          .map((t) => [t.name, schema.getPossibleTypes(t).map((member) => member.name)]),
      );
      const embeddedTypes = types
        .filter(isObjectType)
        .filter((t) => !roots.includes(t) && !('id' in t.getFields()))
        .map((t) => t.name)
        .sort();
      return `export const possibleTypes = ${JSON.stringify(possibleTypes)};\nexport const embeddedTypes = ${JSON.stringify(embeddedTypes)};\n`;
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [preact(), schemaModule()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts alone is about 500 kB (140 kB as brotli); every other chunk is far below.
    chunkSizeWarningLimit: 550,
    rolldownOptions: {
      output: {
        // The charting library in a chunk of its own: the indicators page's code changes more
        // often than ECharts does, and each is cached apart.
        codeSplitting: {
          groups: [{ name: 'charts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/ }],
        },
      },
    },
  },
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } } },
});

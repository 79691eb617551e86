import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// The console is served by the API server at /console (src/console.http.ts), from console/dist.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } } },
});

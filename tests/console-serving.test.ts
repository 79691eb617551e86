import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptedEncodings, useConsole } from '../src/console.js';

// How src/console.ts hands out the built console, in process: the compressed copy the browser
// accepts, with the headers caches need, and no source maps in production. The console is built
// by the install (a development build, with its maps).

const assets = readdirSync(join(import.meta.dirname, '..', 'console', 'dist', 'assets'));
const script = assets.find((name) => /^index-.*\.js$/.test(name)) ?? '';
const sourceMap = assets.find((name) => name.endsWith('.js.map'));

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  const url = new URL(path, 'http://console.test');
  const request = new Request(url, { headers });
  let answer: Response | undefined;
  const plugin = useConsole() as {
    onRequest(payload: {
      request: Request;
      url: URL;
      endResponse: (response: Response) => void;
    }): Promise<void>;
  };
  await plugin.onRequest({ request, url, endResponse: (response) => (answer = response) });
  if (!answer) throw new Error(`${path} was not answered by the console`);
  return answer;
}

const environment = process.env.NODE_ENV;
afterEach(() => {
  process.env.NODE_ENV = environment;
});

describe('serving the console', () => {
  it('hands out brotli, else gzip, as the request accepts, and says so', async () => {
    expect(script).not.toBe('');
    const plain = await get(`/console/assets/${script}`);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toBe('Accept-Encoding');
    const size = (await plain.arrayBuffer()).byteLength;

    const brotli = await get(`/console/assets/${script}`, { 'accept-encoding': 'gzip, br' });
    expect(brotli.headers.get('content-encoding')).toBe('br');
    expect(brotli.headers.get('vary')).toBe('Accept-Encoding');
    expect(brotli.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(brotli.headers.get('cache-control')).toContain('immutable');
    expect((await brotli.arrayBuffer()).byteLength).toBeLessThan(size / 2);

    const gzip = await get(`/console/assets/${script}`, { 'accept-encoding': 'gzip, br;q=0' });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    const page = await get('/console/intelligence', { 'accept-encoding': 'br' });
    expect(page.headers.get('content-encoding')).toBe('br');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    // The stored copies are not addresses of their own.
    expect((await get(`/console/assets/${script}.br`)).status).toBe(404);
  });

  it('reads Accept-Encoding with its weights', () => {
    expect([...acceptedEncodings('gzip, deflate, br, zstd')].sort()).toEqual(['br', 'gzip']);
    expect([...acceptedEncodings('br;q=0, gzip;q=0.5')]).toEqual(['gzip']);
    expect([...acceptedEncodings('*;q=0.1, gzip;q=0')]).toEqual(['br']);
    expect([...acceptedEncodings('identity')]).toEqual([]);
    expect([...acceptedEncodings(null)]).toEqual([]);
  });

  it('serves a favicon with the console’s headers', async () => {
    const icon = await get('/console/favicon.svg', { 'accept-encoding': 'gzip' });
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('x-content-type-options')).toBe('nosniff');
    expect(icon.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('does not serve source maps in production', async () => {
    expect(sourceMap, 'a development build writes source maps').toBeDefined();
    process.env.NODE_ENV = 'development';
    expect((await get(`/console/assets/${sourceMap}`)).status).toBe(200);
    process.env.NODE_ENV = 'production';
    expect((await get(`/console/assets/${sourceMap}`)).status).toBe(404);
    expect((await get(`/console/assets/${script}`)).status).toBe(200);
  });
});

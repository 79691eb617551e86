import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { TadaDocumentNode } from 'gql.tada';
import { type DocumentNode, print } from 'graphql';
import type { GqlResult } from './api.js';

// A server instance in its own process, started with `npm start`'s entry point (or the compiled
// one), as an operator runs several behind a load balancer.

export interface Instance {
  url: string;
  base: string;
  child: ChildProcess;
  /** What the process has printed so far, line by line (its JSON log among it). */
  output(): string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `npm start`'s entry point, through tsx; a production start runs `dist/main.js`. */
const FROM_SOURCE = ['--import', 'tsx', 'src/main.ts'];

export async function startInstance(
  env: Record<string, string>,
  entry: string[] = FROM_SOURCE,
): Promise<Instance> {
  const child = spawn(process.execPath, entry, {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', SEED_DEMO: 'never', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  child.stderr?.on('data', (chunk) => lines.push(String(chunk)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`instance did not start:\n${lines.join('')}`)),
      60_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited with ${code}:\n${lines.join('')}`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      lines.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'GBA IPNet is listening' && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line
      }
    });
  });
  return {
    url,
    base: url.replace(/\/graphql$/, ''),
    child,
    output: () => [...lines],
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}

/**
 * A GraphQL request to an instance over HTTP. A typed document (`graphql(\`…\`)`) types the
 * variables and the answer; a query given as text is untyped.
 */
export async function post<Result, Variables>(
  instance: Instance,
  document: TadaDocumentNode<Result, Variables>,
  ...rest: Record<string, never> extends Variables
    ? [variables?: Variables, token?: string]
    : [variables: Variables, token?: string]
): Promise<Omit<GqlResult<Result>, 'response'>>;
export async function post(
  instance: Instance,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<Omit<GqlResult, 'response'>>;
export async function post(
  instance: Instance,
  query: string | DocumentNode,
  variables: unknown = {},
  token?: string,
): Promise<unknown> {
  const response = await fetch(instance.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: typeof query === 'string' ? query : print(query), variables }),
  });
  return response.json();
}

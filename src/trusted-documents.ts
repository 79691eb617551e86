import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { z } from 'zod';
import { ConfigError } from './config.js';

// Trusted documents: an agency that runs its own clients can let only their operations through.
// The manifest is a JSON object from document id to GraphQL text, as GraphQL Code Generator's
// client preset writes it (`persisted-documents.json`, ids are SHA-256 hashes of the text) or
// any tool that produces the same shape (docs/deployment.md#trusted-documents). A request names
// its document by `documentId`, or by `extensions.persistedQuery.sha256Hash` (Apollo's format).

const Manifest = z.record(z.string().min(1).max(200), z.string().min(1));

export function loadTrustedDocuments(path: string): Map<string, string> {
  let documents: Record<string, string>;
  try {
    documents = Manifest.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  TRUSTED_DOCUMENTS: ${path} is not a JSON object of document ids to GraphQL documents (${(error as Error).message.split('\n')[0]})`,
    );
  }
  for (const [id, text] of Object.entries(documents)) {
    try {
      parse(text);
    } catch (error) {
      throw new ConfigError(
        `Invalid configuration:\n  TRUSTED_DOCUMENTS: document ${id} does not parse: ${(error as Error).message}`,
      );
    }
  }
  return new Map(Object.entries(documents));
}

export function useTrustedDocuments(
  documents: ReadonlyMap<string, string>,
  enforce: boolean,
): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (id) => documents.get(id) ?? null,
    allowArbitraryOperations: !enforce,
    extractPersistedOperationId: (params) => {
      const documentId = (params as { documentId?: unknown }).documentId;
      if (typeof documentId === 'string') return documentId;
      const hash = (params.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)
        ?.sha256Hash;
      return typeof hash === 'string' ? hash : null;
    },
    customErrors: {
      persistedQueryOnly: {
        message:
          'This server runs trusted documents only: send the id of a document from its manifest as documentId.',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
      notFound: {
        message: 'No trusted document has this id.',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'Send the id of a trusted document as documentId.',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
    },
  });
}

import { ValidationError } from '../../errors.js';
import { jsonProblem } from '../../input-guard.js';
import { importSizeLimit } from './import-plan.js';

// What any import document must be before it is read as STIX or MISP, through GraphQL or
// `POST /import/…` alike: within the size limit, nested within reason, and text PostgreSQL can
// hold (no NUL, no lone surrogate). GraphQL's input guard refuses the same with the same words
// before execution; this is the check of the HTTP endpoints, and a second one for GraphQL.

/** A document over the size limit: HTTP answers it 413, GraphQL as any ValidationError. */
export class ImportTooLargeError extends ValidationError {
  constructor(bytes: number) {
    super([
      {
        path: ['document'],
        message: `is ${bytes.toLocaleString('en')} bytes of JSON; at most ${importSizeLimit().toLocaleString('en')} bytes are imported at once`,
      },
    ]);
  }
}

/** Refuses a document of more bytes than an import takes, before it is parsed. */
export function checkImportBytes(bytes: number): void {
  if (bytes > importSizeLimit()) throw new ImportTooLargeError(bytes);
}

/** Refuses a document that no import takes, naming where its problem is. */
export function checkImportDocument(document: unknown): void {
  // Nesting first: JSON.stringify recurses, and a deep enough document exhausts its stack.
  const problem = jsonProblem(document);
  if (problem) throw ValidationError.single(['document', ...problem.path], problem.message);
  checkImportBytes(Buffer.byteLength(JSON.stringify(document ?? null)));
}

/** The body of `POST /import/…` as JSON, checked as above. */
export async function readImportBody(request: Request): Promise<unknown> {
  checkImportBytes(Number(request.headers.get('content-length') ?? 0));
  const text = await request.text();
  checkImportBytes(Buffer.byteLength(text));
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw ValidationError.single([], 'The body is not JSON.');
  }
  checkImportDocument(document);
  return document;
}

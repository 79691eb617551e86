import { expect } from 'vitest';
import { expectMember, send, yoga } from './api.js';
import { graphql } from './graphql.js';

// A TAXII 2.1 client written to the specification, as a partner's tool uses it: it starts at
// discovery, follows the API root it names, lists the collections, and pulls a collection page
// by page with `next`, sending the TAXII media type and HTTP Basic credentials.

export const TAXII = 'application/taxii+json;version=2.1';

export interface Credential {
  id: string;
  username: string;
  password: string;
  token: string;
}

const ISSUE = graphql(`
  mutation Issue($input: IssueApiCredentialInput!) { issueApiCredential(input: $input) {
    __typename
    ... on IssueApiCredentialSuccess { issued { token username password credential { id name } } }
    ... on Error { code message } } }
`);

/** An agency admin issues a credential through the API. */
export async function issueCredential(
  adminToken: string,
  tlpCeiling: 'CLEAR' | 'GREEN' | 'AMBER' = 'AMBER',
  scopes: ('READ' | 'IMPORT')[] = ['READ'],
): Promise<Credential> {
  const data = await send(adminToken, ISSUE, {
    input: { name: `feed ${Math.random().toString(36).slice(2)}`, scopes, tlpCeiling },
  });
  const { issued } = expectMember(data.issueApiCredential, 'IssueApiCredentialSuccess');
  return {
    // The database id: the Basic user name (the credential node id wraps it).
    id: issued.username,
    username: issued.username,
    password: issued.password,
    token: issued.token,
  };
}

export type TaxiiObject = { type: string; id: string } & Record<string, unknown>;

export interface TaxiiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export class TaxiiClient {
  constructor(
    private readonly authorization: string | null,
    private readonly origin = 'http://localhost',
  ) {}

  static basic(credential: Credential): TaxiiClient {
    const pair = Buffer.from(`${credential.username}:${credential.password}`).toString('base64');
    return new TaxiiClient(`Basic ${pair}`);
  }

  static bearer(credential: Credential): TaxiiClient {
    return new TaxiiClient(`Bearer ${credential.token}`);
  }

  async get<T = Record<string, unknown>>(
    pathOrUrl: string,
    query: Record<string, string> = {},
  ): Promise<TaxiiResponse<T>> {
    const url = new URL(pathOrUrl, this.origin);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const response = await yoga.fetch(url.href, {
      headers: {
        accept: TAXII,
        ...(this.authorization ? { authorization: this.authorization } : {}),
      },
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: JSON.parse(text) as T };
  }

  async getOk<T = Record<string, unknown>>(pathOrUrl: string, query: Record<string, string> = {}) {
    const response = await this.get<T>(pathOrUrl, query);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.headers.get('content-type')).toBe(TAXII);
    return response;
  }

  /** Discovery, then the default API root, as a client configured with the server's address. */
  async apiRoot(): Promise<string> {
    const discovery = await this.getOk<{ default: string; api_roots: string[] }>('/taxii2/');
    expect(discovery.body.api_roots).toContain(discovery.body.default);
    const root = await this.getOk<{ versions: string[] }>(discovery.body.default);
    expect(root.body.versions).toContain(TAXII);
    return discovery.body.default;
  }

  async collections(): Promise<{ id: string; title: string; can_read: boolean }[]> {
    const root = await this.apiRoot();
    const listed = await this.getOk<{
      collections?: { id: string; title: string; can_read: boolean }[];
    }>(new URL('collections/', root).href);
    return listed.body.collections ?? [];
  }

  /** Every object of a collection, page by page; with the pages' headers checked. */
  async pullAll(
    collectionUrl: string,
    query: Record<string, string> = {},
    limit = 5,
  ): Promise<{ objects: TaxiiObject[]; pages: number }> {
    const objects: TaxiiObject[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await this.getOk<{ more?: boolean; next?: string; objects?: TaxiiObject[] }>(
        `${collectionUrl}objects/`,
        { ...query, limit: String(limit), ...(next ? { next } : {}) },
      );
      pages += 1;
      const got = page.body.objects ?? [];
      expect(got.length).toBeLessThanOrEqual(limit);
      if (got.length > 0) {
        expect(page.headers.get('x-taxii-date-added-first')).toMatch(/^\d{4}-/);
        expect(page.headers.get('x-taxii-date-added-last')).toMatch(/^\d{4}-/);
      }
      objects.push(...got);
      next = page.body.more ? page.body.next : undefined;
      if (page.body.more) expect(next).toBeTruthy();
      expect(pages).toBeLessThan(2000);
    } while (next);
    return { objects, pages };
  }

  /**
   * Every page of a paged resource (objects, one object, its versions, the manifest), following
   * `more` and `next`; `key` names the list each page holds. Fails on anything but 200.
   */
  async allPages<T>(
    url: string,
    key: 'objects' | 'versions',
    query: Record<string, string> = {},
    limit = 5,
  ): Promise<{ items: T[]; pages: number; dateAdded: string[] }> {
    const items: T[] = [];
    const dateAdded: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await this.getOk<{ more?: boolean; next?: string } & Record<string, unknown>>(
        url,
        { ...query, limit: String(limit), ...(next ? { next } : {}) },
      );
      pages += 1;
      const got = (page.body[key] as T[] | undefined) ?? [];
      expect(got.length).toBeLessThanOrEqual(limit);
      const first = page.headers.get('x-taxii-date-added-first');
      const last = page.headers.get('x-taxii-date-added-last');
      if (got.length > 0) {
        expect(first).toMatch(/^\d{4}-/);
        expect(last).toMatch(/^\d{4}-/);
        expect(String(first) <= String(last)).toBe(true);
        dateAdded.push(String(first), String(last));
      }
      items.push(...got);
      expect(typeof page.body.more).toBe('boolean');
      next = page.body.more ? page.body.next : undefined;
      if (page.body.more) expect(next).toBeTruthy();
      expect(pages).toBeLessThan(2000);
    } while (next);
    return { items, pages, dateAdded };
  }

  /** Every manifest record of a collection, page by page. */
  async manifest(collectionUrl: string, query: Record<string, string> = {}, limit = 5) {
    const { items } = await this.allPages<ManifestRecord>(
      `${collectionUrl}manifest/`,
      'objects',
      query,
      limit,
    );
    for (const record of items) {
      expect(record.media_type).toBe(STIX);
      expect(Number.isNaN(Date.parse(record.date_added))).toBe(false);
    }
    return items;
  }

  /** Get an Object (TAXII 2.1 §5.6): every version the query selects, page by page. */
  async object(
    collectionUrl: string,
    id: string,
    query: Record<string, string> = {},
    limit = 5,
  ): Promise<TaxiiObject[]> {
    const { items } = await this.allPages<TaxiiObject>(
      `${collectionUrl}objects/${id}/`,
      'objects',
      query,
      limit,
    );
    for (const object of items) expect(object.id).toBe(id);
    return items;
  }

  /** Get Object Versions (TAXII 2.1 §5.8): its versions, oldest first, page by page. */
  async versions(
    collectionUrl: string,
    id: string,
    query: Record<string, string> = {},
    limit = 5,
  ): Promise<string[]> {
    const { items } = await this.allPages<string>(
      `${collectionUrl}objects/${id}/versions/`,
      'versions',
      query,
      limit,
    );
    expect([...items].sort()).toEqual(items);
    return items;
  }
}

export const STIX = 'application/stix+json;version=2.1';

/** One record of a collection's manifest (TAXII 2.1 §5.7). */
export interface ManifestRecord {
  id: string;
  date_added: string;
  version: string;
  media_type: string;
}

/** The version of a STIX object as a TAXII manifest states it: modified, else created. */
export function versionOf(object: TaxiiObject): string | undefined {
  const stamp = object.modified ?? object.created;
  return typeof stamp === 'string' ? stamp : undefined;
}

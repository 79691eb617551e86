import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCursor } from '../src/alert-log.js';
import { prisma } from '../src/db.js';
import { newWebhookSecret, verifySignature } from '../src/modules/webhooks/webhook.crypto.js';
import { startWebhookDispatcher } from '../src/modules/webhooks/webhook-dispatcher.js';
import { describeFailure } from '../src/modules/webhooks/webhook-send.js';
import { sealSecret } from '../src/sealed-secrets.js';
import {
  errorCode,
  expectType,
  globalId,
  gql,
  member,
  present,
  rawId,
  send,
} from './support/api.js';
import { graphql } from './support/graphql.js';
import { publishedReport } from './support/intel.js';

const REGISTER_WEBHOOK = graphql(
  `mutation($input: WebhookInput!) { registerWebhook(input: $input) { __typename ... on RegisterWebhookSuccess { registration { secret endpoint { id url active kinds } } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
);

const DELETE_WEBHOOK = graphql(
  `mutation($id: ID!) { deleteWebhook(id: $id) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
);

// Webhooks against a local HTTP receiver: registration through the API, deliveries signed and
// retried by the real dispatcher, the delivery record checked in the database.

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let receiver: Server;
let hookUrl = '';
const received: Received[] = [];
/** Answers for the next requests, then 200. */
const answers: number[] = [];
let stopDispatcher: () => void = () => {};

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.2', resolve));
  hookUrl = `http://127.0.0.2:${(receiver.address() as AddressInfo).port}/hook`;
  stopDispatcher = startWebhookDispatcher({ pollMs: 100, retryBaseMs: 200 });
});

afterAll(async () => {
  stopDispatcher();
  await new Promise((resolve) => receiver.close(resolve));
});

async function until<T>(find: () => Promise<T | null | undefined> | T | null | undefined) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() > deadline) expect.fail('condition not met in 15 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('webhooks', () => {
  it('deliver signed alerts the creator may receive, retrying a failed attempt', async () => {
    const admin = await member(['AGENCY_ADMIN']);
    const author = await member(['ANALYST']);
    const registered = (
      await send(admin.token, REGISTER_WEBHOOK, {
        input: {
          url: hookUrl,
          description: 'Case system',
          kinds: ['INTEL_PUBLISHED'],
          originAgencies: [globalId('Agency', author.agency.id)],
        },
      })
    ).registerWebhook;
    const { secret, endpoint } = expectType<any>(registered, 'RegisterWebhookSuccess').registration;
    expect(secret).toMatch(/^whsec_/);
    const stored = await prisma.webhookEndpoint.findUniqueOrThrow({
      where: { id: rawId(endpoint.id) },
    });
    expect(stored.secret).not.toContain(secret.slice(6));

    // Not for the admin's agency: never queued, never sent.
    await publishedReport(author.token, {
      title: 'Only for someone else',
      audience: { scope: 'AGENCIES', agencyIds: [globalId('Agency', author.agency.id)] },
    });
    answers.push(503);
    const reportId = await publishedReport(author.token, { title: 'Counterfeit bearings, Nansha' });

    const delivered = await until(() =>
      prisma.webhookDelivery.findFirst({
        where: { endpointId: stored.id, status: 'DELIVERED' },
      }),
    );
    expect(delivered.attempts).toBe(2);
    expect(delivered.lastStatusCode).toBe(200);
    const mine = received.filter((r) => r.headers['x-ipnet-delivery'] === delivered.id);
    expect(mine).toHaveLength(2);
    for (const request of mine) {
      expect(
        verifySignature(secret, String(request.headers['x-ipnet-signature']), request.body),
      ).toBe(true);
      expect(
        verifySignature('whsec_wrong', String(request.headers['x-ipnet-signature']), request.body),
      ).toBe(false);
    }
    const payload = JSON.parse(mine[1]?.body ?? '{}');
    expect(payload).toMatchObject({
      attempt: 2,
      alert: { kind: 'INTEL_PUBLISHED', title: 'Counterfeit bearings, Nansha', report: reportId },
    });
    expect(JSON.stringify(received)).not.toContain('Only for someone else');
    expect(await prisma.webhookDelivery.count({ where: { endpointId: stored.id } })).toBe(1);

    const listed = await gql(
      graphql(
        `query { webhookEndpoints { id kinds createdBy { id } deliveries(first: 5) { totalCount edges { node { status attempts lastStatusCode alert { title } } } } } }`,
      ),
      {},
      { token: admin.token },
    );
    expect(listed.data?.webhookEndpoints).toHaveLength(1);
    expect(listed.data?.webhookEndpoints[0]).toMatchObject({
      kinds: ['INTEL_PUBLISHED'],
      createdBy: { id: globalId('User', admin.user.id) },
    });
    expect(listed.data?.webhookEndpoints[0]?.deliveries.edges[0]?.node).toEqual({
      status: 'DELIVERED',
      attempts: 2,
      lastStatusCode: 200,
      alert: { title: 'Counterfeit bearings, Nansha' },
    });
  });

  it('record an unreachable endpoint’s failures without holding up the write', async () => {
    const admin = await member(['AGENCY_ADMIN']);
    const author = await member(['ANALYST']);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.2', resolve));
    const deadUrl = `http://127.0.0.2:${(closed.address() as AddressInfo).port}/gone`;
    await new Promise((resolve) => closed.close(resolve));

    const registered = (
      await send(admin.token, REGISTER_WEBHOOK, {
        input: { url: deadUrl, originAgencies: [globalId('Agency', author.agency.id)] },
      })
    ).registerWebhook;
    const endpointId = rawId(
      expectType<any>(registered, 'RegisterWebhookSuccess').registration.endpoint.id,
    );
    await publishedReport(author.token, { title: 'Written while the receiver is down' });
    const failing = await until(() =>
      prisma.webhookDelivery.findFirst({ where: { endpointId, attempts: { gte: 2 } } }),
    );
    expect(failing.status).toBe('PENDING');
    expect(failing.lastError).toBeTruthy();
    expect(failing.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(
      await prisma.intelReport.count({ where: { title: 'Written while the receiver is down' } }),
    ).toBe(1);
  });

  it('are managed by agency admins only, over HTTPS, one agency each', async () => {
    const admin = await member(['AGENCY_ADMIN']);
    const analyst = await member(['ANALYST']);
    const otherAdmin = await member(['AGENCY_ADMIN']);
    const plain = (
      await send(admin.token, REGISTER_WEBHOOK, { input: { url: 'http://example.org/hook' } })
    ).registerWebhook;
    expect(expectType<any>(plain, 'ValidationError').issues[0].path).toEqual(['input', 'url']);
    const refused = await gql(
      graphql(
        `mutation { registerWebhook(input: { url: "https://example.org/hook" }) { __typename } }`,
      ),
      {},
      { token: analyst.token },
    );
    expect(errorCode(refused)).toBe('FORBIDDEN');

    const registered = (
      await send(admin.token, REGISTER_WEBHOOK, {
        input: { url: 'https://example.org/hook', active: false },
      })
    ).registerWebhook;
    const endpoint = expectType<any>(registered, 'RegisterWebhookSuccess').registration.endpoint;
    const foreign = await gql(
      graphql('query($id: ID!) { node(id: $id) { id } }'),
      { id: endpoint.id },
      {
        token: otherAdmin.token,
      },
    );
    expect(foreign.data?.node).toBeNull();
    const notTheirs = (
      await send(otherAdmin.token, DELETE_WEBHOOK, {
        id: endpoint.id,
      })
    ).deleteWebhook;
    expectType(notTheirs, 'NotFoundError');

    const rotated = (
      await send(
        admin.token,
        graphql(
          `mutation($id: ID!) { rotateWebhookSecret(id: $id) { __typename ... on RotateWebhookSecretSuccess { registration { secret } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: endpoint.id },
      )
    ).rotateWebhookSecret;
    expect(expectType<any>(rotated, 'RotateWebhookSecretSuccess').registration.secret).toMatch(
      /^whsec_/,
    );
    const updated = (
      await send(
        admin.token,
        graphql(
          `mutation($id: ID!, $input: WebhookChanges!) { updateWebhook(id: $id, input: $input) { __typename ... on UpdateWebhookSuccess { endpoint { kinds url active } } ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: endpoint.id, input: { kinds: ['BROADCAST', 'SIGHTING_REPORTED'] } },
      )
    ).updateWebhook;
    expect(expectType<any>(updated, 'UpdateWebhookSuccess').endpoint).toEqual({
      kinds: ['BROADCAST', 'SIGHTING_REPORTED'],
      url: 'https://example.org/hook',
      active: false,
    });
    const removed = (
      await send(admin.token, DELETE_WEBHOOK, {
        id: endpoint.id,
      })
    ).deleteWebhook;
    expectType(removed, 'DeleteWebhookSuccess');
    expect(await prisma.webhookEndpoint.count({ where: { agencyId: admin.agency.id } })).toBe(0);
  });

  it('refuse internal addresses at registration and change, in every form, and store nothing', async () => {
    const admin = await member(['AGENCY_ADMIN']);
    const internal = [
      'https://127.0.0.1/hook',
      'http://127.0.0.1:8080/hook',
      'https://10.0.0.5/hook',
      'https://172.16.3.4/hook',
      'https://192.168.1.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://0.0.0.0/hook',
      'https://[::1]/hook',
      'https://[fd00::1]/hook',
      'https://[fe80::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://2130706433/hook', // 127.0.0.1 as one number
      'https://0x7f000001/hook',
      'https://0177.0.0.1/hook',
      'https://127.1/hook',
      'https://localhost/hook', // a name that resolves to loopback
      'https://LOCALHOST./hook',
    ];
    for (const url of internal) {
      const refused = (await send(admin.token, REGISTER_WEBHOOK, { input: { url } }))
        .registerWebhook;
      const issue = expectType<any>(refused, 'ValidationError').issues[0];
      expect(issue.path, url).toEqual(['input', 'url']);
      expect(issue.message, url).toMatch(/internal address|https:\/\//);
    }
    expect(await prisma.webhookEndpoint.count({ where: { agencyId: admin.agency.id } })).toBe(0);

    const registered = (
      await send(admin.token, REGISTER_WEBHOOK, { input: { url: hookUrl, active: false } })
    ).registerWebhook;
    const endpoint = expectType<any>(registered, 'RegisterWebhookSuccess').registration.endpoint;
    const moved = (
      await send(
        admin.token,
        graphql(
          `mutation($id: ID!, $input: WebhookChanges!) { updateWebhook(id: $id, input: $input) { __typename ... on ValidationError { issues { path message } } ... on Error { code message } } }`,
        ),
        { id: endpoint.id, input: { url: 'https://169.254.169.254/hook' } },
      )
    ).updateWebhook;
    expect(expectType<any>(moved, 'ValidationError').issues[0].path).toEqual(['input', 'url']);
    const stored = await prisma.webhookEndpoint.findUniqueOrThrow({
      where: { id: rawId(endpoint.id) },
    });
    expect(stored.url).toBe(hookUrl);
  });

  it('check the address again at every send, and report only a generic reason', async () => {
    // An endpoint whose address turned internal after registration (as a name can, by DNS
    // rebinding) is written straight to the database: the dispatcher must still refuse to call it.
    const inside = createServer((_req, res) => res.writeHead(200).end('internal secrets'));
    const hits: string[] = [];
    inside.on('request', (req) => hits.push(String(req.url)));
    await new Promise<void>((resolve) => inside.listen(0, '127.0.0.1', resolve));
    const insideUrl = `http://127.0.0.1:${(inside.address() as AddressInfo).port}/admin`;
    try {
      const admin = await member(['AGENCY_ADMIN']);
      const author = await member(['ANALYST']);
      const endpoint = await prisma.webhookEndpoint.create({
        data: {
          agencyId: admin.agency.id,
          createdById: admin.user.id,
          url: insideUrl,
          secret: sealSecret(newWebhookSecret(), 'webhook-secrets'),
          scannedThrough: await latestCursor(),
          originAgencyIds: [author.agency.id],
        },
      });
      await publishedReport(author.token, { title: 'Never sent inside' });
      // Claiming a delivery counts the attempt; its outcome is written once the send is over.
      const refused = await until(() =>
        prisma.webhookDelivery.findFirst({
          where: { endpointId: endpoint.id, attempts: { gte: 1 }, lastError: { not: null } },
        }),
      );
      expect(refused.status).not.toBe('DELIVERED');
      expect(refused.lastStatusCode).toBeNull();
      expect(refused.lastError).toMatch(/^not sent: the address is internal/);
      expect(hits).toEqual([]);

      const listed = await gql(
        graphql(
          `query { webhookEndpoints { deliveries(first: 1) { edges { node { lastStatusCode lastError } } } } }`,
        ),
        {},
        { token: admin.token },
      );
      const node = present(
        listed.data?.webhookEndpoints[0]?.deliveries.edges[0],
        'a delivery',
      ).node;
      expect(node.lastStatusCode).toBeNull();
      expect(node.lastError).not.toContain('internal secrets');
    } finally {
      await new Promise((resolve) => inside.close(resolve));
    }
  });

  it('in production, record the status class and a generic reason only', () => {
    const answered = { kind: 'http' as const, status: 404, detail: 'HTTP 404' };
    expect(describeFailure(answered, true)).toBe('HTTP 4xx: the receiver refused the delivery');
    const refused = {
      kind: 'connection' as const,
      status: null,
      detail: 'ECONNREFUSED: connect ECONNREFUSED 10.1.2.3:8443',
    };
    expect(describeFailure(refused, true)).toBe('could not connect to the receiver');
    expect(describeFailure(refused, false)).toContain('10.1.2.3');
  });
});

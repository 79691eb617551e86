import { setTimeout as sleep } from 'node:timers/promises';
import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { untilSessionEnds } from '../auth/live-sessions.js';

// A heartbeat subscription lets a client check that its subscription transport (graphql-ws or
// SSE) and its credentials work. It stops when the client unsubscribes.
async function* ticks(intervalMs: number): AsyncGenerator<Date> {
  while (true) {
    yield new Date();
    await sleep(intervalMs);
  }
}

builder.subscriptionField('heartbeat', (t) =>
  t.field({
    type: 'DateTime',
    description: 'The server time, every `intervalSeconds` (1 to 60), while subscribed.',
    authScopes: { signedIn: true },
    args: { intervalSeconds: t.arg.int({ defaultValue: 1 }) },
    subscribe: (_parent, args, context) =>
      untilSessionEnds(
        signedInViewer(context).sessionId,
        ticks(Math.min(60, Math.max(1, args.intervalSeconds)) * 1000),
      ),
    resolve: (time) => time,
  }),
);

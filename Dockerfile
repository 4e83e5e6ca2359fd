# syntax=docker/dockerfile:1
# botgate: one image for every role (api | worker | all), chosen at run time:
#   docker run botgate start --role api      (or BOTGATE_ROLE=api)
# Build stage compiles the TypeScript workspaces; the runtime stage holds production
# dependencies, the compiled dist/ of each workspace and the scenarios, and runs as `node`.

ARG NODE_IMAGE=node:20-bookworm-slim

# ── manifests only: the install is cached until a package.json or the lockfile changes ────────
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/core/package.json packages/core/
COPY packages/redis/package.json packages/redis/
COPY packages/bots/package.json packages/bots/
COPY packages/iadvize/package.json packages/iadvize/
COPY packages/imiconnect/package.json packages/imiconnect/
COPY packages/aivo/package.json packages/aivo/
COPY packages/testkit/package.json packages/testkit/
COPY apps/gateway/package.json apps/gateway/

# ── build: every dependency, then tsc -b (dist/ per workspace) ───────────────────────────────
FROM manifests AS build
# npm install, not npm ci: the lockfile pins every version, but it holds only the linux-x64
# entries of platform-specific optional packages (swc, jest's resolver), which npm ci refuses;
# npm install with the same lockfile installs exactly the locked versions (as CI and README do).
RUN npm install --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
COPY packages packages
COPY apps apps
RUN npm run build

# ── production dependencies only (workspace links included) ──────────────────────────────────
FROM manifests AS prod-deps
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

# ── runtime ─────────────────────────────────────────────────────────────────────────────────
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app /app
COPY --from=build /app/packages/core/dist packages/core/dist
COPY --from=build /app/packages/redis/dist packages/redis/dist
COPY --from=build /app/packages/bots/dist packages/bots/dist
COPY --from=build /app/packages/iadvize/dist packages/iadvize/dist
COPY --from=build /app/packages/imiconnect/dist packages/imiconnect/dist
COPY --from=build /app/packages/aivo/dist packages/aivo/dist
COPY --from=build /app/packages/testkit/dist packages/testkit/dist
COPY --from=build /app/apps/gateway/dist apps/gateway/dist
# The demo scenario (the embedded default config uses it) and the example config.
COPY scenarios scenarios
COPY config config
# Code and dependencies stay root-owned and read-only to the process.
USER node
EXPOSE 8080
# Liveness only (the process answers); orchestrators use /readyz for traffic.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# GC sized for a request-per-millisecond server (docs/BENCHMARKS.md, "Garbage collector flags"):
# 32 MB semi-spaces make scavenges four times rarer than 8 MB ones (-9 % CPU per iAdvize answer),
# and old space growing by 2x after each full GC instead of up to 4x keeps peak RSS under load
# lower than with 8 MB semi-spaces alone (212-216 MB against 228-235). npm start and the
# benchmarks run the gateway with the same flags (bench/lib/processes.ts GATEWAY_NODE_FLAGS).
ENTRYPOINT ["node", "--max-semi-space-size=32", "--heap-growing-percent=100", "apps/gateway/dist/cli.js"]
CMD ["start"]

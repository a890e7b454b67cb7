# syntax=docker/dockerfile:1
# quarry: one image for the coordinator and the workers (the command picks the role).

# --- build: install everything, compile, then keep only what runs ------------------------------
FROM node:22-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json nx.json tsconfig.json tsconfig.base.json ./
COPY tools ./tools
COPY packages ./packages
# npm ci runs the root `prepare` script, which builds every package
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf packages/*/src packages/*/test packages/*/tsconfig.tsbuildinfo .nx

# --- runtime: node, the built packages, a non-root user ----------------------------------------
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    QUARRY_LOG_FORMAT=json \
    QUARRY_METRICS_PORT=9464
RUN groupadd --system quarry && useradd --system --gid quarry --home-dir /app quarry
WORKDIR /app
COPY --from=build --chown=quarry:quarry /app /app
USER quarry
EXPOSE 9464
# healthy when the metrics endpoint answers: the actor is up and connected
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/metrics').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "packages/cli/dist/main.js"]
CMD ["worker"]

# GenOps Node images from this monorepo: the processor (`--target processor`), the example service
# (`--target example`) and the fake OpenRouter for keyless evaluation (`--target fake-openrouter`).
#   docker build --target processor -t genops/processor .
ARG NODE_IMAGE=node:24-bookworm
ARG NODE_SLIM_IMAGE=node:24-bookworm-slim
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 compiles from source (python3, make, g++ are in the full bookworm image).
COPY package.json package-lock.json ./
COPY packages/semconv/package.json packages/semconv/
COPY packages/fakes/package.json packages/fakes/
COPY packages/pricing/package.json packages/pricing/
COPY packages/setup/package.json packages/setup/
COPY packages/instrumentation/package.json packages/instrumentation/
COPY packages/processor/package.json packages/processor/
COPY packages/console/package.json packages/console/
COPY packages/devstack/package.json packages/devstack/
COPY packages/demo/package.json packages/demo/
COPY packages/system-tests/package.json packages/system-tests/
COPY packages/bench/package.json packages/bench/
COPY packages/devstack/bin packages/devstack/bin
COPY packages/processor/bin packages/processor/bin
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.base.json tsconfig.json ./
COPY packages packages
# The console is built into packages/processor/dist/console (served by genops serve at /).
RUN npx tsc -b && npm run build -w @genops/console && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_SLIM_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/packages packages
# The price history the daily sync appends to (a volume in compose, an emptyDir in the Helm chart).
RUN mkdir -p /var/lib/genops && chown node:node /var/lib/genops
USER node

FROM runtime AS processor
# Listens beyond loopback only with GENOPS_API_TOKENS set (the processor refuses otherwise).
ENV GENOPS_HTTP_HOST=0.0.0.0 GENOPS_HTTP_PORT=8080 GENOPS_PRICES_FILE=/var/lib/genops/prices.json
EXPOSE 8080
# The same probe as docker-compose.yml's (ready: ledger reachable, consumer running).
HEALTHCHECK --interval=10s --timeout=5s --retries=12 --start-period=10s \
  CMD ["node", "-e", "fetch('http://localhost:8080/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# V8's garbage collector on the processor's own thread (as devstack runs it: packages/devstack/src/processor-process.ts):
# its parallel helpers, a thread per core of the host whatever the container's CPU limit, woke on every core at each
# young-generation collection and delayed the database and the processes beside it (bench:budgets, PostgreSQL, two
# processors on two cores: four-budget p99 8–12 ms with them, 6–7 ms without).
ENTRYPOINT ["node", "--single-threaded-gc", "packages/processor/dist/cli.js"]
CMD ["serve"]

FROM runtime AS fake-openrouter
ENV FAKE_OPENROUTER_HOST=0.0.0.0 FAKE_OPENROUTER_PORT=8090
EXPOSE 8090
CMD ["node", "packages/demo/dist/fake-openrouter-main.js"]

FROM runtime AS example
COPY examples examples
ENV HOST=0.0.0.0 PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --retries=6 \
  CMD ["node", "-e", "fetch('http://localhost:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "examples/chat-service/server.mjs"]

# One image for every process of the product: docker-compose.yml runs it as migrate, worker, the three subgraphs and
# the gateway, each with its own command (node dist/…, as the npm run <script>:dist scripts). The TypeScript is
# compiled in the build stage (npm run build); the image runs the JavaScript with plain node: no tsx, no sources, no
# dev dependencies, tests or benches.

# Build stage: every dependency (TypeScript is a dev dependency), then npm run build → /app/dist.
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY migrations ./migrations
COPY src ./src
COPY subgraphs ./subgraphs
COPY gateway ./gateway
RUN npm run build

# Production dependencies only, in a stage of their own so the layer is reused until package-lock.json changes.
FROM node:24-bookworm-slim AS production-dependencies
WORKDIR /app
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit && npm cache clean --force

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
# package.json says "type": "module", which makes node load dist/**/*.js as ES modules; it also has the :dist scripts.
COPY package.json package-lock.json ./
COPY --from=production-dependencies /app/node_modules ./node_modules
# dist/ holds the compiled modules and what they read at run time (dist/migrations, the PowerOffice spec excerpt).
COPY --from=build /app/dist ./dist
USER node
CMD ["node", "--max-semi-space-size=64", "dist/gateway/main.js"]

# One image for every process of the product: docker-compose.yml runs it as migrate, worker, the three subgraphs and
# the gateway, each with its own command (the npm scripts). TypeScript runs through tsx, as in development.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit && npm cache clean --force
COPY tsconfig.json ./
COPY migrations ./migrations
COPY src ./src
COPY subgraphs ./subgraphs
COPY gateway ./gateway
USER node
CMD ["npm", "run", "gateway"]

# Runtime image of provider-dbops and of its composition function: one image, two targets.
#
#   docker build --target provider -t provider-dbops:dev .        # the default target (last stage)
#   docker build --target function -t function-dbops:dev .
#
# Then embed each in its package:
#   docker save provider-dbops:dev -o build/provider.tar && docker save function-dbops:dev -o build/function.tar
#   scripts/build-packages.sh --provider-image-tarball build/provider.tar --function-image-tarball build/function.tar
#
# Node 26 is the current LTS line; Debian trixie ships PostgreSQL 17 client tools (pg_dump can dump servers up
# to its own major version) and MariaDB 11.8 client tools, which also dump MySQL servers.
ARG NODE_IMAGE=node:26-trixie-slim

# Compile TypeScript with the dev dependencies; only dist/ leaves this stage.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# No install scripts: every dependency is plain JavaScript, and esbuild (a tsx dependency) is not needed to build.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only, in their own stage so a source change does not reinstall them.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# The engines' own dump and restore tools: pg_dump, pg_restore, psql; mariadb-dump, mariadb and (through
# mariadb-client-compat) the mysqldump and mysql names.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates postgresql-client mariadb-client mariadb-client-compat \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
# Owned by root and world-readable: Crossplane runs provider and function pods as uid/gid 2000, which may read
# but not change the program.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json carries "type": "module" for dist/; proto/ is read at run time by the function's codec.
COPY package.json ./
COPY proto ./proto
USER 2000:2000

# The composition function: gRPC on 9443. ENTRYPOINT (not CMD) so trailing arguments such as the
# `--insecure` that `crossplane render` passes reach the program.
FROM runtime AS function
EXPOSE 9443
ENTRYPOINT ["node", "dist/function/main.js"]
CMD []

# The provider: metrics on 8080, health probes on 8081. Last, so it is what a plain `docker build` produces.
FROM runtime AS provider
EXPOSE 8080 8081
ENTRYPOINT ["node", "dist/main.js"]
CMD []

# syntax=docker/dockerfile:1
# Node 24 runs the TypeScript sources directly (type stripping): no build step, the image holds
# the sources and the production dependencies.

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The `node` devDependency is not needed here: the image's Node is 24.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-slim AS runtime
# Memory (measured with `npm run bench`, README "Benchmark"): V8 sizes its young generation from
# the host's RAM (2 × 64 MB on a 24 GB host, most of it resident after a burst), 16 MB semi-spaces
# are plenty for this service; glibc makes up to 8 malloc arenas per core for the threads that
# allocate (libvips, tesseract, libuv), and two keep their freed memory from piling up; blocks of
# 128 KB and more (decoded images, scorecard pixels) are mapped on their own and given back when
# freed, where glibc's moving threshold would keep them in an arena (peak −60 MB at 20 runs).
# bench/service-process.ts starts the service with the same settings.
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=3000 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    NODE_OPTIONS=--max-semi-space-size=16
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY service ./service
COPY bots ./bots
COPY prompts ./prompts
COPY migrations ./migrations
COPY golden_tests ./golden_tests
# Non-root: the embedded Postgres (used when DATABASE_URL is unset) runs as this user too.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "service/main/cli.ts"]
CMD ["serve"]

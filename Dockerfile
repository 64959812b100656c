FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
EXPOSE 3000
RUN npm run build
# glibc malloc gives back what the portal frees; V8's young generation stays small
# (src/allocator.ts). After the build: for the portal, not for tsc. A NODE_OPTIONS given to the
# container replaces this one: add --max-semi-space-size=1 to it.
ENV MALLOC_MMAP_THRESHOLD_=131072 NODE_OPTIONS=--max-semi-space-size=1
CMD ["node", "dist/main.js"]

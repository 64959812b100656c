FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
# glibc malloc gives back what the portal frees (src/allocator.ts).
ENV MALLOC_MMAP_THRESHOLD_=131072
EXPOSE 3000
RUN npm run build
CMD ["node", "dist/main.js"]

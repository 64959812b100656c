/**
 * glibc's malloc, told to give back what a portal process frees. By default a block of 128 KiB
 * or more gets its own mapping, returned on free, but each such free raises that bar to the
 * block's size (up to 32 MiB): after the first argon2id password (19 MiB) or the first large
 * document, blocks that size stay in the heap, and what is freed there stays in the RSS. A fixed
 * bar keeps them apart. Measured with bench:app, two runs each way, the same morning: RSS of the
 * embedded default after its first start 438–451 → 358–371 MB, idle 296–309 → 261–273 MB, at its
 * highest under 20 declarants 453–467 → 421–439 MB; PostgreSQL's 313–315 → 294–298 MB; no change
 * in CPU per request beyond the runs' noise.
 *
 * glibc reads these when a process starts, before any JavaScript: whoever starts the portal sets
 * them (`npm start`'s launcher src/start.ts, the cluster's primary for its workers, the
 * Dockerfile). Other C libraries ignore them; a setting already in the environment wins.
 */
export const allocatorSettings: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/** `env` with the allocator's settings it does not set itself. */
export const withAllocatorSettings = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...allocatorSettings,
  ...env,
});

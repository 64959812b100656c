/**
 * How a portal process keeps its memory: glibc's malloc, and V8's young generation (below).
 *
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
 * them (the launchers of `npm start` and `npm run dev`, scripts/start.mjs and scripts/dev.mjs; the
 * cluster's primary for its workers; the Dockerfile). Other C libraries ignore them; a setting
 * already in the environment wins.
 */
export const allocatorSettings: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/**
 * V8's young generation, where a request's objects are made and most of them die: each of its
 * two halves grows to 16 MB by default (Node 20, 64 bits), and under load stays there. At 1 MB it
 * is swept more often, each time over fewer live objects, in memory the CPU's cache holds.
 * Measured 7 December, runs alternated, two each way: bench:app's highest RSS under 20 declarants
 * 310–320 → 236–241 MB on PostgreSQL, 437–467 → 359–365 MB on PGlite, idle 138 → 107 and
 * 247–276 → 224–235 MB, CPU per save within the runs' noise; bench:declarations with one process
 * 269–304 → 188–200 MB, CPU per submission 34–50 → 29–30 ms. Set through NODE_OPTIONS, before
 * the options already there, which win.
 */
export const youngGeneration = '--max-semi-space-size=1';

/**
 * `env` for a portal process: glibc's settings where it has none of its own, and the young
 * generation's option ahead of its NODE_OPTIONS (once: a cluster's workers get the primary's).
 */
export const withAllocatorSettings = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...allocatorSettings,
  ...env,
  NODE_OPTIONS: env.NODE_OPTIONS?.split(/\s+/).includes(youngGeneration)
    ? env.NODE_OPTIONS
    : [youngGeneration, env.NODE_OPTIONS].filter(Boolean).join(' '),
});

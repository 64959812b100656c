import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readDeclarationUpload } from '../../../src/declarations/workbooks/index.js';
import { uploadLimits } from '../../../src/declarations/workbooks/limits.js';
import { openWorkbook } from '../../../src/declarations/workbooks/openWorkbook.js';
import { expected, filled, rewrite, settings } from './support/workbookFixtures.js';

/**
 * Issue 13: 512 kB of unclosed `<si>` took 35 s of regular expressions and blocked the server.
 * Bounds here are generous (a slow, busy machine passes them) and on CPU time where they can be;
 * the old reader missed them by orders of magnitude.
 */

/** The declaration with `item` × `count` spliced into its shared-strings table. */
const withItems = async (item: string, count: number) =>
  rewrite(await filled('dichiarazione', {}), (path, xml) =>
    path === 'xl/sharedStrings.xml' ? xml.replace('</sst>', `${item.repeat(count)}</sst>`) : xml,
  );

/** The CPU time `work` takes, its wall time, and the longest the event loop waited meanwhile. */
async function measured<T>(work: () => Promise<T>) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const wallMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  // The timer that measures the last stretch of work fires only after it: wait for it.
  await sleep(30);
  delay.disable();
  return { result, cpuMs: (user + system) / 1000, wallMs, maxBlockMs: delay.max / 1e6 };
}

/**
 * One warm-up, then three runs: the least CPU time (a busy machine stretches wall time, not this)
 * and the median of the longest blocks (a busy machine may preempt the process in any one run).
 */
async function timed<T>(work: () => Promise<T>) {
  await work();
  const runs = [await measured(work), await measured(work), await measured(work)];
  const blocks = runs.map((run) => run.maxBlockMs).sort((a, b) => a - b);
  return {
    result: runs[0]!.result,
    cpuMs: Math.min(...runs.map((run) => run.cpuMs)),
    wallMs: Math.min(...runs.map((run) => run.wallMs)),
    maxBlockMs: blocks[1]!,
  };
}

describe('reading hostile workbooks', () => {
  const read = async (bytes: Uint8Array) =>
    timed(() => readDeclarationUpload(bytes, expected('dichiarazione'), settings, null));

  it("refuses the 128,000 unclosed '<si>' at once, never blocking the event loop", async () => {
    const { result, cpuMs, wallMs, maxBlockMs } = await read(await withItems('<si>', 128_000));
    expect(result.issues[0]?.code).toBe('FileCorrupt');
    expect(cpuMs).toBeLessThan(1000);
    expect(wallMs).toBeLessThan(5000);
    expect(maxBlockMs).toBeLessThan(500);
  }, 60_000);

  it('refuses 128,000 well-formed items at the count limit, never blocking', async () => {
    const { result, cpuMs, maxBlockMs } = await read(await withItems('<si></si>', 128_000));
    expect(result.issues[0]?.code).toBe('FileTooManyStrings');
    expect(cpuMs).toBeLessThan(1000);
    expect(maxBlockMs).toBeLessThan(500);
  }, 60_000);

  it('parses items in linear time and in slices, with the limits lifted', async () => {
    const lifted = { ...uploadLimits, maxSharedStrings: Infinity, maxNesting: Infinity };
    const open = async (item: string, count: number) => {
      const bytes = await withItems(item, count);
      return timed(() => openWorkbook(bytes, lifted));
    };
    for (const item of ['<si></si>', '<si>']) {
      const small = await open(item, 64_000);
      const large = await open(item, 256_000);
      // Four times the items: about four times the time; quadratic parsing would take sixteen.
      expect(large.cpuMs / Math.max(small.cpuMs, 1), item).toBeLessThan(10);
      expect(large.maxBlockMs, item).toBeLessThan(500);
      if (item === '<si>') expect(large.result.refusal).toMatchObject({ kind: 'xml' });
    }
  }, 180_000);
});

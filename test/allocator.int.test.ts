import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withAllocatorSettings, youngGeneration } from '../src/allocator.js';

/**
 * The young generation's size (MB) in a Node process started with `env`, once it has made garbage
 * while keeping some of it, as a request does: V8 grows it only as far as it may.
 */
function youngGenerationOf(env: NodeJS.ProcessEnv): number {
  const churn = `
    let kept = [];
    for (let i = 0; i < 3e6; i++) {
      kept.push({ i, text: 'x' + i });
      if (kept.length > 1e5) kept = [];
    }
    const young = require('node:v8').getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    console.log(young.space_size / 2 ** 20);`;
  return Number(
    execFileSync(process.execPath, ['-e', churn], {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    }),
  );
}

describe('the portal process’s memory settings', () => {
  it('keep V8’s young generation small, where it grows to many MB by default', () => {
    expect(youngGenerationOf({})).toBeGreaterThan(4);
    expect(youngGenerationOf(withAllocatorSettings({}))).toBeLessThanOrEqual(2);
  });

  it('leave the last word to options already in NODE_OPTIONS, and add theirs once', () => {
    const mine = withAllocatorSettings({ NODE_OPTIONS: '--max-semi-space-size=16' });
    expect(mine.NODE_OPTIONS).toBe(`${youngGeneration} --max-semi-space-size=16`);
    expect(youngGenerationOf(mine)).toBeGreaterThan(4);
    expect(withAllocatorSettings(withAllocatorSettings({})).NODE_OPTIONS).toBe(youngGeneration);
  });

  it('set glibc’s mmap threshold unless the environment has one', () => {
    expect(withAllocatorSettings({}).MALLOC_MMAP_THRESHOLD_).toBe('131072');
    expect(withAllocatorSettings({ MALLOC_MMAP_THRESHOLD_: '65536' }).MALLOC_MMAP_THRESHOLD_).toBe(
      '65536',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { atMost } from '../../../src/platform/concurrency/atMost.js';

/** A piece of work that runs until the test lets it end. */
function held() {
  let end!: (value: string) => void;
  const done = new Promise<string>((resolve) => (end = resolve));
  return { done, end };
}

describe('atMost', () => {
  it('runs at most `limit` at once, the others in the order they came', async () => {
    const gate = atMost(2);
    const started: number[] = [];
    const works = [0, 1, 2, 3].map(() => held());
    const results = works.map((work, i) =>
      gate(() => {
        started.push(i);
        return work.done;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);

    works[1]!.end('b');
    expect(await results[1]).toBe('b');
    expect(started).toEqual([0, 1, 2]);
    works[0]!.end('a');
    await results[0];
    expect(started).toEqual([0, 1, 2, 3]);
    works[2]!.end('c');
    works[3]!.end('d');
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('hands the place on when a work fails, and the failure to its caller', async () => {
    const gate = atMost(1);
    const failed = gate(() => Promise.reject(new Error('rotto')));
    const next = gate(() => Promise.resolve('dopo'));

    await expect(failed).rejects.toThrow('rotto');
    expect(await next).toBe('dopo');
    // The place is free again: a third runs at once.
    expect(await gate(() => Promise.resolve('ancora'))).toBe('ancora');
  });
});

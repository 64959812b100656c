import { describe, expect, it } from 'vitest';
import { appendBatcher } from '../../../src/platform/eventStore/appendBatcher.js';

/** A database stand-in that records each call and answers when told to. */
function recorder(options: { failMany?: boolean; failOne?: (item: string) => boolean } = {}) {
  const calls: string[][] = [];
  const pending: (() => void)[] = [];
  const later = <T>(value: () => T) =>
    new Promise<T>((resolve) => pending.push(() => resolve(Promise.resolve().then(value))));
  const append = appendBatcher<string, string>({
    one: (item) => {
      calls.push([item]);
      return later(() => {
        if (options.failOne?.(item)) throw new Error(`refused ${item}`);
        return `${item}:one`;
      });
    },
    many: (items) => {
      calls.push([...items]);
      return later(() => {
        if (options.failMany) throw new Error('batch refused');
        return items.map((item) => `${item}:many`);
      });
    },
    inFlight: 1,
    maxBatch: 3,
  });
  /** Lets every call made so far answer, then the calls they caused. */
  const drain = async () => {
    while (pending.length > 0) {
      pending.splice(0).forEach((answer) => answer());
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { append, calls, drain };
}

describe('group commit of appends', () => {
  it('sends a lone append at once, by itself', async () => {
    const { append, calls, drain } = recorder();
    const outcome = append('a');
    expect(calls).toEqual([['a']]);
    await drain();
    expect(await outcome).toBe('a:one');
  });

  it('sends the appends that waited together, in order, at most maxBatch at a time', async () => {
    const { append, calls, drain } = recorder();
    const outcomes = ['a', 'b', 'c', 'd', 'e'].map(append);
    await drain();
    expect(calls).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
    expect(await Promise.all(outcomes)).toEqual(['a:one', 'b:many', 'c:many', 'd:many', 'e:one']);
  });

  it('sends a failed batch again one append at a time: each caller gets its own outcome', async () => {
    const { append, calls, drain } = recorder({ failMany: true, failOne: (item) => item === 'c' });
    const outcomes = ['a', 'b', 'c', 'd'].map((item) => append(item).catch(String));
    await drain();
    expect(calls).toEqual([['a'], ['b', 'c', 'd'], ['b'], ['c'], ['d']]);
    expect(await Promise.all(outcomes)).toEqual(['a:one', 'b:one', 'Error: refused c', 'd:one']);
  });
});

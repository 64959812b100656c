import { describe, expect, it } from 'vitest';
import type {
  EventStore,
  GlobalPosition,
  ReadAllOptions,
  RecordedEvent,
} from '../../../src/platform/eventStore/eventStore.js';
import { comparePositions, startOfLog } from '../../../src/platform/eventStore/globalPosition.js';
import { LogTail } from '../../../src/platform/subscriptions/logTail.js';

const at = (n: number): GlobalPosition => ({ commit: BigInt(n), prepare: BigInt(n) });
const event = (n: number) => ({ type: 'X', streamId: `s-${n}`, position: at(n) }) as RecordedEvent;

/** A log of `events` that counts its reads. */
function countingLog(events: RecordedEvent[]) {
  const reads: ReadAllOptions[] = [];
  const store = {
    readAll(options: ReadAllOptions) {
      reads.push(options);
      const after = options.after ?? startOfLog;
      return Promise.resolve(
        events.filter((each) => comparePositions(each.position, after) > 0).slice(0, options.limit),
      );
    },
  } as unknown as EventStore;
  return { store, reads, events };
}

describe('the log as the subscribers read it', () => {
  it('reads once for subscribers woken together at one place', async () => {
    const log = countingLog([1, 2, 3].map(event));
    const tail = new LogTail(log.store);
    const results = await Promise.all([tail.read(startOfLog, 10), tail.read(startOfLog, 10)]);
    expect(results.map((events) => events.length)).toEqual([3, 3]);
    expect(log.reads).toHaveLength(1);
  });

  it('gives what follows a place in the stretch from memory, and reads past its end', async () => {
    const log = countingLog([1, 2, 3].map(event));
    const tail = new LogTail(log.store);
    await tail.read(startOfLog, 10);
    expect((await tail.read(at(1), 10)).map((each) => each.streamId)).toEqual(['s-2', 's-3']);
    expect((await tail.read(at(1), 1)).map((each) => each.streamId)).toEqual(['s-2']);
    expect(log.reads).toHaveLength(1);
    // Past the end the log may have grown: it is read, and what it holds then is kept.
    log.events.push(event(4));
    expect((await tail.read(at(3), 10)).map((each) => each.streamId)).toEqual(['s-4']);
    expect(log.reads).toHaveLength(2);
    // A place the stretch does not hold is read from the log too.
    expect(await tail.read(at(2), 10)).toHaveLength(2);
    expect(log.reads).toHaveLength(3);
  });

  it('never gives a short batch from a stretch its read cut short, nor after an append', async () => {
    const log = countingLog([1, 2, 3, 4].map(event));
    const tail = new LogTail(log.store);
    expect(await tail.read(startOfLog, 2)).toHaveLength(2);
    // The stretch ends at its read's limit, not at the log's end: a short batch would be taken
    // for the end, so the log is read.
    expect((await tail.read(at(1), 10)).map((each) => each.streamId)).toEqual([
      's-2',
      's-3',
      's-4',
    ]);
    expect(log.reads).toHaveLength(2);
    // Read to the end, then an append heard: what was read before it is not given again.
    tail.forget();
    log.events.push(event(5));
    expect((await tail.read(at(1), 10)).map((each) => each.streamId)).toEqual([
      's-2',
      's-3',
      's-4',
      's-5',
    ]);
    expect(log.reads).toHaveLength(3);
  });
});

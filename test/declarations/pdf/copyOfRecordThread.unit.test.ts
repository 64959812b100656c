import { describe, expect, it } from 'vitest';
import { renderCopyOfRecord } from '../../../src/declarations/pdf/copyOfRecord.js';
import { renderCopyOfRecordOffThread } from '../../../src/declarations/pdf/copyOfRecordThread.js';
import { typicalCopyOfRecord as record } from './copyOfRecordFixture.js';

describe('the copy of record on its own thread', () => {
  it('gives the same bytes as the main thread, for copies asked for at once', async () => {
    const [here, ...there] = await Promise.all([
      renderCopyOfRecord(record),
      renderCopyOfRecordOffThread(record),
      renderCopyOfRecordOffThread({ ...record, protocolNumber: '2025/000099' }),
    ]);
    expect(there[0].equals(here)).toBe(true);
    expect(there[1].equals(here)).toBe(false);
    expect(
      there[1].equals(await renderCopyOfRecord({ ...record, protocolNumber: '2025/000099' })),
    ).toBe(true);
    // Four renders and a thread's start: seconds on a busy 2-core machine.
  }, 30_000);

  it('answers a copy it cannot make with the error, and goes on with the next', async () => {
    await expect(renderCopyOfRecordOffThread({ ...record, protocolNumber: null })).rejects.toThrow(
      /protocol number/,
    );
    expect((await renderCopyOfRecordOffThread(record)).subarray(0, 4).toString('latin1')).toBe(
      '%PDF',
    );
  });
});

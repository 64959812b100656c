import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/platform/eventStore/eventStore.js';
import type { ProcessManager, Projection } from '../../../src/platform/subscriptions/projection.js';
import {
  LogBatch,
  storableEvent,
  storableText,
} from '../../../src/platform/subscriptions/storableText.js';

const event = (data: RecordedEvent['data']): RecordedEvent => ({
  streamId: 'account-1',
  version: 1,
  position: { commit: 1n, prepare: 0n },
  type: 'ReferentRegistered',
  data,
  metadata: {
    eventId: 'e1',
    correlationId: 'c1',
    causationId: null,
    actor: { id: 'account-1', role: 'declarant' },
    clientIp: null,
    occurredAt: '2026-11-23T10:00:00.000Z',
    recordedAt: '2026-11-23T10:00:00.001Z',
  },
  hash: 'ab',
});

describe('storableText', () => {
  it('replaces NUL and lone surrogates with U+FFFD and keeps surrogate pairs', () => {
    expect(storableText('Mario\u0000Rossi')).toBe('Mario\uFFFDRossi');
    expect(storableText('a\uD800b\uDC00c')).toBe('a\uFFFDb\uFFFDc');
    expect(storableText('\u0000\uD800')).toBe('\uFFFD\uFFFD');
    expect(storableText('acqua 💧 è')).toBe('acqua 💧 è');
  });

  it('returns a clean value as it is, without a copy', () => {
    const clean = { name: 'Rossi', rows: [{ tonnes: 1.5, note: null, ok: true }], tags: ['a'] };
    expect(storableText(clean)).toBe(clean);
  });

  it('copies only the objects and arrays on the way to a string it cleans', () => {
    const untouched = { name: 'Verdi' };
    const dirty = { transporter: 'Trasporti\u0000Sud' };
    const value = { rows: [untouched, dirty], other: untouched };
    const cleaned = storableText(value);
    expect(cleaned).toEqual({
      rows: [untouched, { transporter: 'Trasporti\uFFFDSud' }],
      other: untouched,
    });
    expect(cleaned.rows[0]).toBe(untouched);
    expect(cleaned.other).toBe(untouched);
    expect(dirty.transporter).toBe('Trasporti\u0000Sud');
  });

  it('cleans keys, keeping the order of the entries', () => {
    const cleaned = storableText({ first: 1, 'a\u0000b': 2, last: 'x\uDFFF' });
    expect(Object.entries(cleaned)).toEqual([
      ['first', 1],
      ['a\uFFFDb', 2],
      ['last', 'x\uFFFD'],
    ]);
  });

  it('keeps a "__proto__" key an own entry of the copy', () => {
    const parsed = JSON.parse('{"__proto__": {"x": 1}, "name": "a\\u0000"}') as object;
    const cleaned = storableText(parsed);
    expect(Object.getPrototypeOf(cleaned)).toBe(Object.prototype);
    expect(Object.keys(cleaned)).toEqual(['__proto__', 'name']);
  });
});

describe('storableEvent', () => {
  it('is the same event when nothing needs cleaning', () => {
    const clean = event({ fullName: 'Mario Rossi' });
    expect(storableEvent(clean)).toBe(clean);
  });

  it('cleans data and metadata and leaves the original event as it was', () => {
    const original = event({ fullName: 'Mario\u0000Rossi' });
    const withActor = { ...original, metadata: { ...original.metadata, clientIp: '\uD800' } };
    const cleaned = storableEvent(withActor);
    expect(cleaned.data).toEqual({ fullName: 'Mario\uFFFDRossi' });
    expect(cleaned.metadata.clientIp).toBe('\uFFFD');
    expect(cleaned).toMatchObject({ streamId: 'account-1', hash: 'ab', version: 1 });
    expect(withActor.data.fullName).toBe('Mario\u0000Rossi');
    expect(withActor.metadata.clientIp).toBe('\uD800');
  });
});

describe('LogBatch', () => {
  const projection = (verbatim?: boolean): Projection => ({
    name: 'p',
    ...(verbatim === undefined ? {} : { verbatim }),
    apply: () => Promise.resolve(),
    tables: [],
  });
  const processManager: ProcessManager = { name: 'pm', handle: () => Promise.resolve() };
  const events = [event({ fullName: 'Mario\u0000Rossi' }), event({ fullName: 'Anna' })];

  it('gives a verbatim projection the events as stored', () => {
    expect(new LogBatch(events).for(projection(true))).toBe(events);
  });

  it('gives read models and process managers one storable view of the batch', () => {
    const batch = new LogBatch(events);
    const given = batch.for(projection());
    expect(given.map((each) => each.data.fullName)).toEqual(['Mario\uFFFDRossi', 'Anna']);
    expect(given[1]).toBe(events[1]);
    expect(batch.for(processManager)).toBe(given);
    expect(batch.for(projection(false))).toBe(given);
  });
});

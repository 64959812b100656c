/// <reference lib="es2024.string" />
// isWellFormed and toWellFormed: Node 20 has them, the project's ES2023 lib does not declare them.
import type { RecordedEvent } from '../eventStore/eventStore.js';
import { isProcessManager, type ProcessManager, type Projection } from './projection.js';

/**
 * Text PostgreSQL can store, for values that came from the log. A text column cannot hold U+0000
 * ("invalid byte sequence for encoding UTF8: 0x00") and jsonb refuses both \u0000 and a lone
 * surrogate, so one such event in the log (older data, another writer) would stop a read model
 * for good. Both become U+FFFD rather than being dropped: the reader sees that something was
 * there ("Mario\u0000Rossi" does not turn into another name, "MarioRossi"), and it is what the
 * UTF-8 encoder already writes for a lone surrogate sent to a text column, so a value reads the
 * same in a text column and in a jsonb one. Keys are cleaned too. Copy-on-write: a value with nothing to clean is
 * returned as it is (the same object), so the usual event costs one scan and no allocation.
 */
export function storableText<T>(value: T): T {
  return storable(value) as T;
}

function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableString(value);
  if (Array.isArray(value)) return storableArray(value);
  if (typeof value === 'object' && value !== null)
    return storableObject(value as Record<string, unknown>);
  return value;
}

function storableString(text: string): string {
  if (!text.includes('\0') && text.isWellFormed()) return text;
  return text.toWellFormed().replaceAll('\0', '\uFFFD');
}

function storableArray(items: readonly unknown[]): readonly unknown[] {
  let copy: unknown[] | null = null;
  for (let index = 0; index < items.length; index++) {
    const clean = storable(items[index]);
    if (clean !== items[index]) (copy ??= [...items])[index] = clean;
  }
  return copy ?? items;
}

function storableObject(object: Record<string, unknown>): object {
  let entries: [string, unknown][] | null = null;
  let index = 0;
  // for…in rather than Object.entries: no arrays made while there is nothing to clean.
  for (const key in object) {
    const value = object[key];
    const cleanKey = storableString(key);
    const clean = storable(value);
    if (!entries && (cleanKey !== key || clean !== value))
      entries = Object.entries(object).slice(0, index);
    entries?.push([cleanKey, clean]);
    index++;
  }
  // fromEntries defines each key as an own property, "__proto__" included.
  return entries ? Object.fromEntries(entries) : object;
}

/** The event with storable data and metadata; the same object when they already are. */
export function storableEvent(event: RecordedEvent): RecordedEvent {
  const data = storableText(event.data);
  const metadata = storableText(event.metadata);
  return data === event.data && metadata === event.metadata ? event : { ...event, data, metadata };
}

/**
 * A batch read from the log, as the runner hands it to each subscriber: the events as stored to
 * a projection that copies the log verbatim (the auditors' copy), storable text to every other
 * read model and process manager. The storable view is made once per batch, however many
 * subscribers share it. Stream ids and types are left as they are: they name where the event is.
 */
export class LogBatch {
  private storable: readonly RecordedEvent[] | null = null;

  constructor(readonly events: readonly RecordedEvent[]) {}

  for(subscriber: Projection | ProcessManager): readonly RecordedEvent[] {
    if (!isProcessManager(subscriber) && subscriber.verbatim) return this.events;
    return (this.storable ??= this.events.map(storableEvent));
  }
}

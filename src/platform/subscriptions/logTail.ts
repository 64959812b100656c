import type { EventStore, GlobalPosition, RecordedEvent } from '../eventStore/eventStore.js';
import { comparePositions, formatPosition } from '../eventStore/globalPosition.js';

/**
 * The log as a runner's subscribers read it, through the latest stretch any of them read: an
 * append wakes the shared read and every subscriber that runs alone, and each would otherwise
 * read the same new events itself. A read of the log returns every event after its start up to
 * its last one (reads stop below the oldest transaction still open), so the part of the stretch
 * after a position in it is what a read from there would return; past its end the log is read.
 */
export class LogTail {
  private from: GlobalPosition | null = null;
  private events: readonly RecordedEvent[] = [];

  constructor(private readonly store: EventStore) {}

  /** Reads under way, by where they start: woken together, subscribers at one place share one. */
  private readonly reading = new Map<string, { limit: number; events: Promise<RecordedEvent[]> }>();

  /** The events after `after`, at most `limit`, from the stretch when it holds some. */
  async read(after: GlobalPosition, limit: number): Promise<readonly RecordedEvent[]> {
    const kept = this.kept(after, limit);
    if (kept) return kept;
    const key = formatPosition(after);
    const under = this.reading.get(key);
    if (under && under.limit >= limit) return (await under.events).slice(0, limit);
    const events = this.store.readAll({ after, limit });
    this.reading.set(key, { limit, events });
    try {
      const read = await events;
      if (read.length > 0) {
        this.from = after;
        this.events = read;
      }
      return read;
    } finally {
      if (this.reading.get(key)?.events === events) this.reading.delete(key);
    }
  }

  private kept(after: GlobalPosition, limit: number): readonly RecordedEvent[] | null {
    if (!this.from) return null;
    let start = 0;
    if (comparePositions(after, this.from) !== 0) {
      const at = this.events.findIndex((event) => comparePositions(event.position, after) === 0);
      if (at < 0) return null;
      start = at + 1;
    }
    return start < this.events.length ? this.events.slice(start, start + limit) : null;
  }
}

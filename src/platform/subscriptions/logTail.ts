import type { EventStore, GlobalPosition, RecordedEvent } from '../eventStore/eventStore.js';
import { comparePositions, formatPosition } from '../eventStore/globalPosition.js';

/**
 * The log as a runner's subscribers read it, through the latest stretch any of them read: an
 * append wakes the shared read and every subscriber that runs alone, and each would otherwise
 * read the same new events itself. A read of the log returns every event after its start up to
 * its last one (reads stop below the oldest transaction still open), so the part of the stretch
 * after a position in it is what a read from there would return. A caller takes a batch shorter
 * than it asked for as the log's end and sleeps until the next append: so a short batch is given
 * from memory only when the read that made the stretch was short too, and an append makes the
 * tail forget, so that nothing read before it is given as the end after it.
 */
export class LogTail {
  private stretch: {
    readonly from: GlobalPosition;
    readonly events: readonly RecordedEvent[];
    /** The read was shorter than asked: it reached the log's end as it then was. */
    readonly toTheEnd: boolean;
  } | null = null;
  /** Reads under way, by where they start: woken together, subscribers at one place share one. */
  private readonly reading = new Map<string, { limit: number; events: Promise<RecordedEvent[]> }>();
  /** Counts the appends heard: a read begun before one does not become the stretch. */
  private epoch = 0;

  constructor(private readonly store: EventStore) {}

  /** Called on every append heard, before the subscribers are woken. */
  forget(): void {
    this.epoch++;
    this.stretch = null;
    this.reading.clear();
  }

  /** The events after `after`, at most `limit`, from the stretch when it holds them. */
  async read(after: GlobalPosition, limit: number): Promise<readonly RecordedEvent[]> {
    const kept = this.kept(after, limit);
    if (kept) return kept;
    const key = formatPosition(after);
    const under = this.reading.get(key);
    if (under && under.limit >= limit) return (await under.events).slice(0, limit);
    const epoch = this.epoch;
    const events = this.store.readAll({ after, limit });
    this.reading.set(key, { limit, events });
    try {
      const read = await events;
      if (read.length > 0 && epoch === this.epoch)
        this.stretch = { from: after, events: read, toTheEnd: read.length < limit };
      return read;
    } finally {
      if (this.reading.get(key)?.events === events) this.reading.delete(key);
    }
  }

  private kept(after: GlobalPosition, limit: number): readonly RecordedEvent[] | null {
    if (!this.stretch) return null;
    const { from, events, toTheEnd } = this.stretch;
    let start = 0;
    if (comparePositions(after, from) !== 0) {
      const at = events.findIndex((event) => comparePositions(event.position, after) === 0);
      if (at < 0) return null;
      start = at + 1;
    }
    if (start >= events.length) return null;
    return start + limit <= events.length || toTheEnd ? events.slice(start, start + limit) : null;
  }
}

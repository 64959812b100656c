import type { Actor, JsonObject, NewEvent } from '../../src/platform/eventStore/eventStore.js';
import { deterministicUuid } from '../../src/platform/eventStore/commandHandler.js';
import type { Random } from './auditLogRandom.js';

/**
 * The simulated calendar of the generated log. Each part of the world plans its events (at any
 * future time) here; month by month, the planned events come out grouped by stream in time order,
 * ready to append. Event ids, correlation and causation follow src/platform/eventStore/commandHandler.ts.
 */

/** Who runs a command, and from where: one request (correlationId) may run several. */
export interface Command {
  readonly commandId: string;
  readonly correlationId: string;
  readonly actor: Actor;
  readonly clientIp: string | null;
}

/** Plain JSON data, or a function making it when the month is written (big, late-known data). */
type Data = object | (() => object);

interface Planned {
  readonly streamId: string;
  readonly at: number;
  readonly seq: number;
  readonly type: string;
  readonly data: Data;
  readonly metadata: Omit<NewEvent['metadata'], 'occurredAt'>;
}

/** One append: a stream's events of one month, oldest first. */
export interface MonthAppend {
  readonly streamId: string;
  readonly events: NewEvent[];
  /** Time of the last event, in ms: the store records the append just after it. */
  lastAt: number;
}

export const monthKey = (at: number): string => new Date(at).toISOString().slice(0, 7);
export const monthStart = (month: string): number => Date.parse(`${month}-01T00:00:00Z`);
export const nextMonth = (month: string): string => monthKey(monthStart(month) + 32 * 86_400_000);

export const minutes = 60_000;
export const hours = 60 * minutes;
export const days = 24 * hours;

export class Timeline {
  private readonly planned = new Map<string, Planned[]>();
  private readonly hooks: ((month: string) => void)[] = [];
  private seq = 0;
  private drained: string | null = null;
  /** Events planned for a month already written, moved to the next one (should stay 0). */
  clamped = 0;

  constructor(private readonly random: Random) {}

  /** A new command of `actor` (a new request unless a correlation id is given). */
  command(actor: Actor, clientIp: string | null, correlationId?: string): Command {
    return {
      commandId: this.random.uuid(),
      correlationId: correlationId ?? this.random.uuid(),
      actor,
      clientIp,
    };
  }

  /** The events one command appends to one stream, ids as toNewEvent derives them. */
  record(
    streamId: string,
    at: number,
    command: Command,
    events: readonly { type: string; data: Data }[],
  ): string[] {
    return events.map((event, index) => {
      const eventId = deterministicUuid(`${command.commandId}:${index}`);
      this.add({ streamId, at, ...event }, { ...command, eventId, causationId: command.commandId });
      return eventId;
    });
  }

  /** One event with metadata of its own (e.g. a protocol number, caused by a submission). */
  recordWith(
    streamId: string,
    at: number,
    type: string,
    data: Data,
    metadata: Planned['metadata'] & { commandId?: never },
  ): void {
    this.add({ streamId, at, type, data }, metadata);
  }

  /** Runs before the planned events of a month come out, e.g. to number the month's filings. */
  beforeDrain(hook: (month: string) => void): void {
    this.hooks.push(hook);
  }

  /** The month's appends, in order of their first event. */
  drain(month: string): MonthAppend[] {
    for (const hook of this.hooks) hook(month);
    const events = this.planned.get(month) ?? [];
    this.planned.delete(month);
    this.drained = month;
    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const byStream = new Map<string, MonthAppend>();
    for (const event of events) {
      let append = byStream.get(event.streamId);
      if (!append) {
        append = { streamId: event.streamId, events: [], lastAt: 0 };
        byStream.set(event.streamId, append);
      }
      const data: object =
        typeof event.data === 'function' ? (event.data as () => object)() : event.data;
      const occurredAt = new Date(event.at).toISOString();
      append.events.push({
        type: event.type,
        data: data as JsonObject,
        metadata: { ...event.metadata, occurredAt },
      });
      append.lastAt = event.at;
    }
    return [...byStream.values()];
  }

  /** Months still holding planned events (after the calendar's end). */
  pendingEvents(): number {
    return [...this.planned.values()].reduce((sum, list) => sum + list.length, 0);
  }

  private add(
    event: Pick<Planned, 'streamId' | 'at' | 'type' | 'data'>,
    metadata: Planned['metadata'] & { commandId?: string },
  ): void {
    let at = Math.round(event.at);
    if (this.drained && monthKey(at) <= this.drained) {
      this.clamped++;
      if (process.env.AUDIT_LOG_DEBUG)
        console.error('clamped', event.type, new Date(at).toISOString(), this.drained);
      at = monthStart(nextMonth(this.drained));
    }
    const { eventId, correlationId, causationId, actor, clientIp } = metadata;
    const key = monthKey(at);
    let list = this.planned.get(key);
    if (!list) {
      list = [];
      this.planned.set(key, list);
    }
    list.push({
      ...event,
      at,
      seq: this.seq++,
      metadata: { eventId, correlationId, causationId, actor, clientIp },
    });
  }
}

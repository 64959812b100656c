import { singleStream } from '../../domain/shared/streamCodec.js';
import { recordEvents, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type { Actor, EventStore, RecordedEvent } from '../platform/eventStore/eventStore.js';
import type { HistoryFilter } from './historySearch.js';
import { readTail } from './auditStreams.js';

/** Every export of the log, whole or failed: who took which events out, and their fingerprint. */
export const exportsStream = singleStream<ExportEvent>('audit-exports');

export interface FileSummary {
  readonly sha256: string;
  readonly bytes: number;
}

/** What an export asked for: the form as typed, and the filter it became. */
export interface ExportFilters {
  readonly form: Readonly<Record<string, string>>;
  readonly applied: HistoryFilter;
}

/**
 * An export delivered whole. `archive` is the SHA-256 of the zip as downloaded, `files` those of
 * its files (SHA256SUMS lists the same): whoever holds an export can ask whether the portal made
 * it, and which events it held.
 */
export interface EventsExported {
  readonly type: 'EventsExported';
  readonly data: {
    readonly exportId: string;
    readonly filters: ExportFilters;
    /** The head of the log when it started (formatted position), null for an empty log. */
    readonly upTo: string | null;
    readonly counts: {
      readonly events: number;
      readonly streams: number;
      readonly redactedEvents: number;
    };
    readonly files: Readonly<Record<string, FileSummary>>;
    readonly archive: FileSummary;
    readonly generatedAt: string;
  };
}

/** An export that stopped before its end (the download dropped, a read failed). */
export interface EventsExportFailed {
  readonly type: 'EventsExportFailed';
  readonly data: {
    readonly exportId: string;
    readonly filters: ExportFilters;
    readonly reason: string;
    /** Events already written into the archive when it stopped. */
    readonly events: number;
    readonly generatedAt: string;
  };
}

export type ExportEvent = EventsExported | EventsExportFailed;

/** The export's one event, with who asked and from where (the request's context). */
export async function recordExport(
  store: EventStore,
  event: ExportEvent,
  context: CommandContext,
): Promise<void> {
  await recordEvents(store, exportsStream.id(), [event], context);
}

export interface RecordedExport {
  readonly version: number;
  readonly exportId: string;
  readonly outcome: 'exported' | 'failed';
  readonly filters: ExportFilters;
  readonly events: number;
  readonly streams: number | null;
  readonly archive: FileSummary | null;
  readonly reason: string | null;
  readonly at: string;
  readonly actor: Actor;
}

function fromEvent(event: RecordedEvent): RecordedExport | null {
  if (!exportsStream.holds(event)) return null;
  const common = { version: event.version, at: event.metadata.occurredAt };
  const actor = event.metadata.actor;
  if (event.type === 'EventsExported') {
    const { data } = event;
    return {
      ...common,
      exportId: data.exportId,
      outcome: 'exported',
      filters: data.filters,
      events: data.counts.events,
      streams: data.counts.streams,
      archive: data.archive,
      reason: null,
      actor,
    };
  }
  if (event.type === 'EventsExportFailed') {
    const { data } = event;
    return {
      ...common,
      exportId: data.exportId,
      outcome: 'failed',
      filters: data.filters,
      events: data.events,
      streams: null,
      archive: null,
      reason: data.reason,
      actor,
    };
  }
  return null;
}

/** The last exports recorded, newest first: the tail of the stream only. */
export async function recentExports(store: EventStore, limit: number): Promise<RecordedExport[]> {
  const { events } = await readTail(store, exportsStream.id(), limit);
  return events.flatMap((event) => fromEvent(event) ?? []).reverse();
}

import type { Actor, EventMetadata, RecordedEvent } from '../platform/eventStore/eventStore.js';
import { storedShown } from '../platform/personalData/sealedEventStore.js';
import { formatPosition } from '../platform/eventStore/globalPosition.js';
import { eventTypeLabel } from './eventTypeLabels.js';
import { romeDisplay } from './historyTime.js';
import { redact } from './redact.js';
import { sameRequestShown, timelinePageSize, type EventLink, type Timeline } from './timeline.js';
import type { ChainStatus } from './timelineChain.js';

/** Roles as the auditor section names them. */
export const roleLabels: Readonly<Record<string, string>> = {
  declarant: 'referente',
  operator: 'operatore',
  auditor: 'revisore',
  admin: 'amministratore',
  system: 'sistema',
  visitor: 'visitatore',
  'digital-identity': 'identità digitale',
  'municipality-officer': 'utente del comune',
  'municipality-second-user': 'secondo utente autorizzato del comune',
  'collector-delegate': 'delegato del gestore della raccolta',
  'observatory-admin': "amministratore dell'Osservatorio",
};

export const chainLabels: Readonly<Record<ChainStatus, string>> = {
  ok: 'integro',
  altered: 'alterato',
  missing: 'mancante',
  unverifiable: 'non verificabile',
};

/** The timeline page that holds a version, anchored on it. */
export function timelineHref(streamId: string, version?: number): string {
  const base = `/revisione/stream/${encodeURIComponent(streamId)}`;
  if (version === undefined) return base;
  const from = Math.floor((version - 1) / timelinePageSize) * timelinePageSize + 1;
  return `${from > 1 ? `${base}?da=${from}` : base}#v${version}`;
}

/** The stream replayed to a moment («Stato a una data»). */
export const stateHref = (streamId: string): string =>
  `/revisione/stream/${encodeURIComponent(streamId)}/stato`;

export const searchHref = (params: Record<string, string>): string =>
  `/revisione?${new URLSearchParams(params).toString()}`;

export const actorLabel = (actor: Actor, names: ReadonlyMap<string, string>): string =>
  names.get(actor.id) ?? (actor.id === 'system' ? 'sistema' : actor.id);

/** A stream by its subject's name (a contract with its company, a person), or its id. */
export type StreamName = (streamId: string) => string;

const linkOf = (streamName: StreamName) => (link: EventLink) => ({
  href: timelineHref(link.streamId, link.version),
  label: `${eventTypeLabel(link.type)} · ${streamName(link.streamId)} v${link.version}`,
});

/** Seconds between the business time and the store time, when they differ by one or more. */
function recordingDelay(metadata: EventMetadata): string | null {
  const ms = Date.parse(metadata.recordedAt) - Date.parse(metadata.occurredAt);
  if (!Number.isFinite(ms) || Math.abs(ms) < 1000) return null;
  const seconds = Math.round(ms / 1000);
  return seconds > 0
    ? `registrato ${seconds} s dopo`
    : `registrato ${-seconds} s prima dell'ora dichiarata`;
}

/** One event as the timeline shows it: secrets redacted, raw JSON included. */
function eventView(
  event: RecordedEvent,
  timeline: Timeline,
  names: ReadonlyMap<string, string>,
  streamName: StreamName,
) {
  const { metadata } = event;
  const link = linkOf(streamName);
  const cause = metadata.causationId ? timeline.causes.get(metadata.causationId) : undefined;
  const same = timeline.sameRequest.get(metadata.correlationId) ?? [];
  const data = redact(event.data);
  return {
    eventId: metadata.eventId,
    type: event.type,
    typeLabel: eventTypeLabel(event.type),
    occurredAt: romeDisplay(metadata.occurredAt),
    recordedAt: romeDisplay(metadata.recordedAt),
    occurredIso: metadata.occurredAt,
    recordedIso: metadata.recordedAt,
    delay: recordingDelay(metadata),
    actor: actorLabel(metadata.actor, names),
    actorId: metadata.actor.id,
    actorNamed: names.has(metadata.actor.id),
    actorHref: searchHref({ attore: metadata.actor.id }),
    role: roleLabels[metadata.actor.role] ?? metadata.actor.role,
    ip: metadata.clientIp,
    correlationId: metadata.correlationId,
    correlationHref: searchHref({ correlazione: metadata.correlationId }),
    causationId: metadata.causationId,
    cause: cause ? link(cause) : null,
    consequences: (timeline.consequences.get(metadata.eventId) ?? []).map(link),
    sameRequest: same.slice(0, sameRequestShown).map(link),
    moreSameRequest: same.length > sameRequestShown,
    hash: event.hash,
    position: formatPosition(event.position),
    data,
    // As stored (personal fields sealed, as the chain covers them), secrets and erased hidden.
    raw: JSON.stringify(
      {
        type: event.type,
        data: redact(storedShown(event)),
        metadata: redact(metadata),
        hash: event.hash,
      },
      null,
      2,
    ),
  };
}

export type TimelineEventView = ReturnType<typeof eventView>;

/** What views/audit/timeline.eta renders. */
export function timelineView(timeline: Timeline, streamName: StreamName = (id) => id) {
  const names = timeline.actorNames;
  const counts = { ok: 0, altered: 0, missing: 0, unverifiable: 0 };
  for (const entry of timeline.entries) counts[entry.status]++;
  const base = timelineHref(timeline.streamId);
  const page = (from: number) => (from > 1 ? `${base}?da=${from}` : base);
  return {
    entries: timeline.entries.map((entry) => ({
      version: entry.version,
      status: entry.status,
      statusLabel: chainLabels[entry.status],
      event: entry.event ? eventView(entry.event, timeline, names, streamName) : null,
    })),
    counts,
    previousHref: timeline.from > 1 ? page(Math.max(timeline.from - timelinePageSize, 1)) : null,
    nextHref: timeline.to < timeline.version ? page(timeline.to + 1) : null,
    lastHref:
      timeline.to < timeline.version ? timelineHref(timeline.streamId, timeline.version) : null,
  };
}

import { contractStream } from '../../domain/contracts/contractDecider.js';
import { versionRows, versionsOfYear } from '../../domain/declarations/declarationVersions.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';

/**
 * A contract's declarations as versions, for the auditor's timeline: each filed year with the
 * first filing and each correction, what it replaced and why, the figures it changed and its
 * outcomes. None for any other stream. A contract's stream is short (tens of events), so it is
 * read whole.
 */
export async function declarationVersionsOf(store: EventStore, streamId: string) {
  if (contractStream.parse(streamId) === null) return [];
  // As stored now, beside the timeline's events that show an altered row as it is.
  const { events: read } = await store.readStream(streamId, { remembered: false });
  const events = read.filter(contractStream.holds);
  const years = new Set(
    events.flatMap((event) => (event.type === 'DeclarationSubmitted' ? [event.data.year] : [])),
  );
  return [...years]
    .sort((a, b) => b - a)
    .map((year) => ({ year, versions: versionRows(versionsOfYear(events, year)) }));
}

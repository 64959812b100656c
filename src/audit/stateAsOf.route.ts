import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { DomainError } from '../../domain/shared/domainError.js';
import type { AreaDeps } from '../deps.js';
import type { Schema } from '../platform/db/schema.js';
import type { RecordedEvent } from '../platform/eventStore/eventStore.js';
import { lookUpNames } from './auditNames.js';
import { eventDataHtml } from './eventDataHtml.js';
import { eventTypeLabel } from './eventTypeLabels.js';
import { pathView } from './statePaths.js';
import { streamSubjectOf, subjectOf } from './streamSubject.js';
import { paramsOf, queryOf } from '../platform/http/command.js';
import { parseForm, type FieldErrors } from '../platform/http/forms.js';
import { line } from '../platform/http/text.js';
import { requireAuditReader } from './auditAccess.js';
import { lastValue, rawQuery } from './historySearch.schema.js';
import { romeDisplay, romeLocal, toRomeLocal } from './historyTime.js';
import { redact } from './redact.js';
import { diffStates, stateAsOf, type AsOf } from './stateAsOf.js';
import { streamKindOf, streamTitle, type Replayer } from './streamKinds.js';
import { chainStatuses } from './timelineChain.js';
import { stateHref, timelineHref } from './timelineView.js';
import { streamParams } from './timeline.route.js';

/** ?al=<datetime-local, Rome time> or ?versione=N; neither: the state now. */
const asOfSchema = z.object({
  al: z.preprocess(
    lastValue,
    line(40).refine(
      (v) => v === '' || romeLocal(v) !== null,
      'Inserire data e ora (gg/mm/aaaa hh:mm).',
    ),
  ),
  versione: z.preprocess(
    lastValue,
    line(20).regex(/^\d{0,9}$/, 'Inserire un numero di versione (0 per lo stato iniziale).'),
  ),
});

/** The moment asked for, or the fields to correct; a version is checked against the stream's. */
function parseAsOf(query: z.output<typeof rawQuery>, lastVersion: number) {
  const form = parseForm(asOfSchema, query);
  if (!form.ok) {
    const values = { al: String(lastValue(query.al)), versione: String(lastValue(query.versione)) };
    return { asOf: null, values, errors: form.errors };
  }
  const { al, versione } = form.data;
  const errors: FieldErrors = {};
  let asOf: AsOf = { kind: 'version', version: lastVersion };
  if (versione !== '') {
    if (Number(versione) > lastVersion)
      errors.versione = `Il flusso arriva alla versione ${lastVersion}.`;
    else asOf = { kind: 'version', version: Number(versione) };
  } else if (al !== '') {
    asOf = { kind: 'time', before: romeLocal(al)!.end };
  }
  return { asOf: Object.keys(errors).length ? null : asOf, values: form.data, errors };
}

/** The replay as the page shows it: redacted, with the broken links of the chain named. */
async function replayView(
  db: Kysely<Schema>,
  replayer: Replayer,
  streamId: string,
  events: RecordedEvent[],
  asOf: AsOf,
  head: number,
) {
  // The state is what the stored events say; a broken chain is shown, not hidden.
  const broken = chainStatuses(events, { from: 1, to: head }).flatMap((entry) =>
    entry.status === 'altered' || entry.status === 'missing'
      ? [`versione ${entry.version} ${entry.status === 'altered' ? 'alterata' : 'mancante'}`]
      : [],
  );
  const result = stateAsOf(replayer, events, asOf);
  const at = events.find((event) => event.version === result.version);
  const [state, current] = [redact(result.state), redact(result.currentState)];
  const names = await lookUpNames(db, [state, current]);
  return {
    broken,
    names,
    result: {
      version: result.version,
      occurredAt: at ? romeDisplay(at.metadata.occurredAt) : null,
      versionHref: at ? timelineHref(streamId, at.version) : null,
      state,
      raw: JSON.stringify(state, null, 2),
      currentVersion: result.currentVersion,
      failure: result.failure && {
        ...result.failure,
        typeLabel: eventTypeLabel(result.failure.type),
      },
      // Compared after redaction, so a secret's change shows as nothing at all.
      changes: diffStates(state, current).map((change) => ({
        ...change,
        ...pathView(change.path, names),
      })),
    },
  };
}

/** "Stato al": the stream replayed through its decider's evolve, and compared with now. */
export function stateAsOfRoutes(app: FastifyInstance, deps: AreaDeps): void {
  app.get('/stream/:streamId/stato', { preHandler: requireAuditReader }, async (request, reply) => {
    const { streamId } = paramsOf(streamParams, request);
    // As stored now: the page names the links of the chain that do not hold.
    const read = await deps.eventStore.readStream(streamId, { remembered: false });
    const last = read.events.at(-1);
    if (!last) throw new DomainError('StreamUnknown', 'not-found', 'Flusso non trovato.');
    const { replayer, label } = streamKindOf(streamId);
    const { asOf, values, errors } = parseAsOf(queryOf(rawQuery, request), last.version);
    const page = {
      dataHtml: eventDataHtml,
      title: `Stato · ${streamTitle(streamId)}`,
      streamId,
      kindLabel: label,
      subject: subjectOf(
        streamId,
        await lookUpNames(deps.database.db, [streamSubjectOf(streamId)]),
      ),
      timelineHref: timelineHref(streamId),
      stateHref: stateHref(streamId),
      values,
      errors,
      lastVersion: last.version,
      firstOccurred: toRomeLocal(read.events[0]!.metadata.occurredAt),
      available: replayer !== null,
    };
    if (!replayer) return reply.view('audit/stateAsOf', page);
    if (!asOf) return reply.code(422).view('audit/stateAsOf', { ...page, result: null });
    const head = Math.max(read.version, last.version);
    return reply.view('audit/stateAsOf', {
      ...page,
      ...(await replayView(deps.database.db, replayer, streamId, read.events, asOf, head)),
    });
  });
}

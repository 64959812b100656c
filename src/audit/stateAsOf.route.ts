import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/shared/domainError.js';
import type { AppDeps } from '../app.js';
import { parseForm, type FieldErrors } from '../http/forms.js';
import { requireAuditReader } from './auditAccess.js';
import { romeDisplay, romeLocal, toRomeLocal } from './historyTime.js';
import { redact } from './redact.js';
import { diffStates, stateAsOf, type AsOf } from './stateAsOf.js';
import { streamKindOf, streamTitle } from './streamKinds.js';
import { chainStatuses } from './timelineChain.js';
import { timelineHref } from './timelineView.js';
import { streamParams } from './timeline.route.js';

const lastOf = (value: unknown) => (Array.isArray(value) ? value.at(-1) : value) ?? '';

/** ?al=<datetime-local, Rome time> or ?versione=N; neither: the state now. */
const asOfSchema = z.object({
  al: z.preprocess(
    lastOf,
    z
      .string()
      .trim()
      .refine((v) => v === '' || romeLocal(v) !== null, 'Inserire data e ora (gg/mm/aaaa hh:mm).'),
  ),
  versione: z.preprocess(
    lastOf,
    z
      .string()
      .trim()
      .regex(/^\d{0,9}$/, 'Inserire un numero di versione (0 per lo stato iniziale).'),
  ),
});

/** "Stato al": the stream replayed through its decider's evolve, and compared with now. */
export function stateAsOfRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/revisione/stream/:streamId/stato',
    { preHandler: requireAuditReader },
    async (request, reply) => {
      const params = streamParams.safeParse(request.params);
      const read = params.success
        ? await deps.eventStore.readStream(params.data.streamId)
        : { version: 0, events: [] };
      if (!params.success || read.events.length === 0)
        throw new DomainError('StreamUnknown', 'not-found', 'Flusso non trovato.');
      const { streamId } = params.data;
      const kind = streamKindOf(streamId);
      const query = (request.query ?? {}) as Record<string, unknown>;
      const form = parseForm(asOfSchema, query);
      const errors: FieldErrors = form.ok ? {} : form.errors;
      const values = form.ok
        ? form.data
        : { al: String(lastOf(query.al)), versione: String(lastOf(query.versione)) };
      const last = read.events.at(-1)!;
      let asOf: AsOf = { kind: 'version', version: last.version };
      if (form.ok && form.data.versione !== '') {
        const version = Number(form.data.versione);
        if (version > last.version)
          errors.versione = `Il flusso arriva alla versione ${last.version}.`;
        else asOf = { kind: 'version', version };
      } else if (form.ok && form.data.al !== '') {
        asOf = { kind: 'time', before: romeLocal(form.data.al)!.end };
      }
      const common = {
        title: `Stato di ${streamId}`,
        streamId,
        streamTitle: streamTitle(streamId),
        kindLabel: kind.label,
        timelineHref: timelineHref(streamId),
        values,
        errors,
        lastVersion: last.version,
        firstOccurred: toRomeLocal(read.events[0]!.metadata.occurredAt),
      };
      if (!kind.replayer) return reply.view('audit/stateAsOf', { ...common, available: false });
      if (Object.keys(errors).length > 0)
        return reply
          .code(422)
          .view('audit/stateAsOf', { ...common, available: true, result: null });

      // The state is what the stored events say; a broken chain is shown, not hidden.
      const broken = chainStatuses(read.events, {
        from: 1,
        to: Math.max(read.version, last.version),
      })
        .filter((entry) => entry.status !== 'ok')
        .map((entry) => entry.version);
      const result = stateAsOf(kind.replayer, read.events, asOf);
      const at = read.events.find((event) => event.version === result.version);
      return reply.view('audit/stateAsOf', {
        ...common,
        available: true,
        asOf: asOf.kind,
        broken,
        result: {
          version: result.version,
          occurredAt: at ? romeDisplay(at.metadata.occurredAt) : null,
          versionHref: at ? timelineHref(streamId, at.version) : null,
          state: redact(result.state),
          currentVersion: result.currentVersion,
          // Compared after redaction, so a secret's change shows as nothing at all.
          changes: diffStates(redact(result.state), redact(result.currentState)),
        },
      });
    },
  );
}

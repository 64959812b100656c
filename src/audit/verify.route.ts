import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../../domain/shared/domainError.js';
import { commandContext } from '../accounts/auth.js';
import type { AreaDeps } from '../deps.js';
import { paramsOf, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { requiredLine } from '../platform/http/text.js';
import { seeOther } from '../platform/http/views.js';
import { requireAuditReader } from './auditAccess.js';
import { actorNames } from './historySearch.js';
import { romeDisplay } from './historyTime.js';
import { actorLabel, timelineHref } from './timelineView.js';
import {
  countLogEvents,
  recentVerifications,
  recordedVerification,
  runVerification,
  type RecordedVerification,
  type Verification,
} from './verifyIntegrity.js';
import { BackgroundJobs, percent, type Job } from './verifyJobs.js';

const streamForm = z.object({
  // Absent (a script's post) reads as empty, to get the same message.
  flusso: requiredLine("Indicare l'identificativo del flusso.", 300).prefault(''),
});

const jobParams = z.object({ id: z.uuid() });

/** Breaks listed on the page; the rest are counted (and the CLI lists them all). */
const shownBreaks = 100;

/**
 * /revisione/verifica: one stream checked in the request, the whole log as a background job
 * followed by polling. Starting a verification reads the record and only adds the
 * IntegrityVerified event saying who checked what: auditors may do it, declarants may not.
 */
export function verifyIntegrityRoutes(app: FastifyInstance, deps: AreaDeps): void {
  const readers = { preHandler: requireAuditReader };
  const jobs = new BackgroundJobs<Verification>({
    onError: (error, job) => {
      app.log.error({ err: error, job: job.id }, 'Integrity verification failed');
      return 'La verifica si è interrotta per un errore del servizio: avviala di nuovo.';
    },
  });
  app.addHook('onClose', () => jobs.close());

  const page = async (
    job: Job<Verification> | null,
    values: unknown = {},
    errors: FieldErrors = {},
  ) => {
    const recent = await recentVerifications(deps.eventStore, 10);
    const names = await actorNames(
      deps.database.db,
      recent.map((verification) => verification.actor.id),
    );
    return {
      title: 'Verifica dell’integrità',
      job: job && jobView(job),
      running: jobs.current(),
      recent: recent.map((verification) => ({
        verificationId: verification.verificationId,
        scope: verification.scope,
        actor: actorLabel(verification.actor, names),
        finishedAt: romeDisplay(verification.finishedAt.toISOString()),
        outcome: outcomeSentence(verification),
        broken: verification.outcome !== 'verified' || verification.breakCount > 0,
      })),
      values,
      errors,
    };
  };

  app.get('/verifica', readers, async (_request, reply) =>
    reply.view('audit/verify', await page(null)),
  );

  app.post('/verifica/flusso', readers, async (request, reply) =>
    submitForm(request, reply, deps.projections, {
      schema: streamForm,
      run: async ({ flusso }) => {
        const { version } = await deps.eventStore.readStream(flusso);
        if (version === 0) throw unknownStream();
        const verificationId = randomUUID();
        const verification = await runVerification(
          { store: deps.eventStore, clock: deps.clock },
          { verificationId, scope: flusso, context: context(request) },
        );
        jobs.completed(verificationId, flusso, startedBy(request), verification, verification);
        // The verification is shown from the job: no read model to wait for.
        return { position: null, redirect: `/revisione/verifica/${verificationId}` };
      },
      invalid: async (errors, values) =>
        reply.view('audit/verify', await page(null, values, errors)),
    }),
  );

  app.post('/verifica/archivio', readers, async (request, reply) => {
    const total = await countLogEvents(deps.eventStore, deps.database);
    const { job } = jobs.start(
      { subject: 'log', startedBy: startedBy(request), total, now: deps.clock },
      ({ id, progress, signal }) =>
        runVerification(
          { store: deps.eventStore, clock: deps.clock },
          {
            verificationId: id,
            scope: 'log',
            context: context(request),
            onProgress: progress,
            signal,
          },
        ),
    );
    return seeOther(request, reply, `/revisione/verifica/${job.id}`);
  });

  app.get('/verifica/:id', readers, async (request, reply) => {
    const job = await findJob(request);
    return reply.view('audit/verify', await page(job));
  });

  app.get('/verifica/:id/avanzamento', readers, async (request, reply) => {
    const job = await findJob(request);
    return reply.view('audit/_verifyProgress', { job: jobView(job) });
  });

  /** A job of this process, or one recorded before a restart (then finished by definition). */
  async function findJob(request: FastifyRequest): Promise<Job<Verification>> {
    const { id } = paramsOf(jobParams, request);
    const job = jobs.get(id);
    if (job) return job;
    const recorded = await recordedVerification(deps.eventStore, id);
    if (!recorded) {
      throw new DomainError('VerificationNotFound', 'not-found', 'Verifica non trovata.');
    }
    const names = await actorNames(deps.database.db, [recorded.actor.id]);
    const common = {
      id,
      subject: recorded.scope,
      startedBy: actorLabel(recorded.actor, names),
      startedAt: recorded.startedAt,
      processed: recorded.events,
      total: recorded.events,
      finishedAt: recorded.finishedAt,
    };
    return recorded.outcome === 'verified'
      ? { ...common, state: 'done', result: recorded, error: null }
      : { ...common, state: 'failed', result: null, error: stoppedSentence(recorded) };
  }

  function context(request: FastifyRequest) {
    const { correlationId, actor, clientIp } = commandContext(request, deps.clock());
    return { correlationId, actor, clientIp };
  }
}

const unknownStream = () =>
  new DomainError(
    'StreamUnknown',
    'validation',
    'Nessun flusso con questo identificativo.',
    'flusso',
  );

/** The "Esito" of a recorded verification, in one short sentence. */
function outcomeSentence(verification: RecordedVerification): string {
  if (verification.outcome !== 'verified') return stoppedSentence(verification);
  const n = (value: number) => value.toLocaleString('it-IT');
  if (verification.breakCount === 0) return `Integro (${n(verification.events)} eventi)`;
  return verification.breakCount === 1 ? '1 anomalia' : `${n(verification.breakCount)} anomalie`;
}

function stoppedSentence(
  verification: Extract<RecordedVerification, { outcome: 'failed' | 'aborted' }>,
) {
  const what = verification.outcome === 'aborted' ? 'Interrotta' : 'Non riuscita';
  return `${what} dopo ${verification.events.toLocaleString('it-IT')} eventi: ${verification.reason}`;
}

export const startedBy = (request: FastifyRequest): string =>
  request.account ? `${request.account.fullName} (${request.account.username})` : 'sconosciuto';

/** What the templates read: numbers ready, the first breaks only. */
export function jobView(job: Job<Verification>) {
  const result = job.result;
  return {
    id: job.id,
    scope: job.subject,
    state: job.state,
    processed: job.state === 'done' && result ? result.events : job.processed,
    total: job.total,
    percent: percent(job),
    startedBy: job.startedBy,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    error: job.error,
    pageUrl: `/revisione/verifica/${job.id}`,
    pollUrl: `/revisione/verifica/${job.id}/avanzamento`,
    result: result && {
      events: result.events,
      streams: result.streams,
      breakCount: result.breakCount,
      head: result.head,
      breaks: result.breaks.slice(0, shownBreaks).map((b) => ({
        ...b,
        href: timelineHref(b.streamId, b.version),
      })),
    },
  };
}

export type VerificationView = ReturnType<typeof jobView>;

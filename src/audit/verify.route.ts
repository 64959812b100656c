import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../../domain/shared/domainError.js';
import { commandContext } from '../accounts/auth.js';
import type { AuditDeps } from '../deps.js';
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
import { JobLedger } from './jobLedger.js';
import { BackgroundJobs, pace, percent, type Job, type JobContext } from './verifyJobs.js';
import type { HeadSource, TreeProblem } from './treeCheck.js';

const streamForm = z.object({
  // Absent (a script's post) reads as empty, to get the same message.
  flusso: requiredLine("Indicare l'identificativo del flusso.", 300).prefault(''),
});

const jobParams = z.object({ id: z.uuid() });

/** Who asked for the archive's verification, kept for a process that takes it over. */
const verificationResume = z.object({
  context: z.object({
    correlationId: z.string().max(100),
    actor: z.object({
      id: z.string().max(200),
      role: z.string().max(50),
      organisationId: z.string().max(200).optional(),
    }),
    clientIp: z.string().max(100).nullable(),
  }),
});

/** Breaks listed on the page; the rest are counted (and the CLI lists them all). */
const shownBreaks = 100;

/**
 * /revisione/verifica: one stream checked in the request, the whole log as a background job
 * followed by polling. Starting a verification reads the record and only adds the
 * IntegrityVerified event saying who checked what: auditors may do it, declarants may not.
 */
export function verifyIntegrityRoutes(app: FastifyInstance, deps: AuditDeps): void {
  const readers = { preHandler: requireAuditReader };
  const verifying = {
    store: deps.eventStore,
    clock: deps.clock,
    transparency: {
      db: deps.database.db,
      publicKey: deps.sealPublicKey,
      tagKey: deps.eventTagKey,
      witness: deps.headWitness,
    },
  };
  /** The archive's verification, for whoever asked: the bar's total, and the work. */
  const archiveVerification = async (resume: unknown) => {
    const { context } = verificationResume.parse(resume);
    return {
      total: await countLogEvents(deps.eventStore, deps.database),
      work: ({ id, progress, signal }: JobContext) =>
        runVerification(verifying, {
          verificationId: id,
          scope: 'log',
          context,
          onProgress: progress,
          signal,
        }),
    };
  };
  /**
   * One taken over from a process that stopped: if that one recorded its outcome before it
   * died, the job ends with that outcome instead of checking, and recording, again.
   */
  const resumedVerification = async (resume: unknown, id: string) => {
    const recorded = await recordedVerification(deps.eventStore, id);
    if (!recorded) return archiveVerification(resume);
    return {
      total: recorded.events,
      work: async (): Promise<Verification> => {
        if (recorded.outcome !== 'verified') throw new Error(recorded.reason);
        return recorded;
      },
    };
  };
  const jobs = new BackgroundJobs<Verification>({
    onError: (error, job) => {
      app.log.error({ err: error, job: job.id }, 'Integrity verification failed');
      return 'La verifica si è interrotta per un errore del servizio: avviala di nuovo.';
    },
    ledger: new JobLedger(
      deps.database.db,
      'verifica',
      'La verifica si è interrotta: il processo del portale che la eseguiva si è fermato. Avviala di nuovo.',
    ),
    resume: resumedVerification,
  });
  app.addHook('onReady', () => jobs.watch());
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
      running: await jobs.current(),
      recent: recent.map((verification) => ({
        verificationId: verification.verificationId,
        scope: verification.scope,
        actor: actorLabel(verification.actor, names),
        finishedAt: romeDisplay(verification.finishedAt.toISOString()),
        outcome: outcomeSentence(verification),
        broken: verification.outcome !== 'verified' || problemCount(verification) > 0,
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
        const { version } = await deps.eventStore.readStream(flusso, { toVersion: 0 });
        if (version === 0) throw unknownStream();
        const verificationId = randomUUID();
        const verification = await runVerification(verifying, {
          verificationId,
          scope: flusso,
          context: context(request),
        });
        jobs.completed(verificationId, flusso, startedBy(request), verification, verification);
        // The verification is shown from the job: no read model to wait for.
        return { position: null, redirect: `/revisione/verifica/${verificationId}` };
      },
      invalid: async (errors, values) =>
        reply.view('audit/verify', await page(null, values, errors)),
    }),
  );

  app.post('/verifica/archivio', readers, async (request, reply) => {
    const resume = { context: context(request) };
    const claim = await jobs.claim({
      subject: 'log',
      startedBy: startedBy(request),
      now: deps.clock,
      resume,
    });
    // One verification of the archive at a time: a second request follows the running one.
    if (!claim) {
      const running = await jobs.current();
      return seeOther(request, reply, `/revisione/verifica${running ? `/${running.id}` : ''}`);
    }
    const { total, work } = await archiveVerification(resume).catch(async (error: unknown) => {
      await claim.release();
      throw error;
    });
    const job = claim.start(total, work);
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

  /** A job running or kept in some process of the portal, or one recorded in the log. */
  async function findJob(request: FastifyRequest): Promise<Job<Verification>> {
    const { id } = paramsOf(jobParams, request);
    const job = await jobs.find(id);
    if (job && (job.result !== null || job.state === 'running')) return job;
    // Finished on another process, or before a restart: its result is the one in the log.
    const recorded = await recordedVerification(deps.eventStore, id);
    if (!recorded) {
      if (job) return job; // stopped with its process, before recording anything
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
  const problems = problemCount(verification);
  if (problems === 0) return `Integro (${n(verification.events)} eventi)`;
  return problems === 1 ? '1 anomalia' : `${n(problems)} anomalie`;
}

/** Broken links and what the tree and the signed heads found, together. */
const problemCount = (verification: Verification): number =>
  verification.breakCount + (verification.tree?.problems.length ?? 0);

const headSources: Record<HeadSource, string> = {
  view: 'l’ultima testa firmata registrata',
  log: 'l’ultima testa firmata nel registro stesso',
  witness: 'la testa firmata conservata fuori dalla banca dati',
};

const n = (value: number) => value.toLocaleString('it-IT');

/** What the tree check found, in a sentence for the auditor. */
export function treeProblemSentence(problem: TreeProblem): string {
  switch (problem.problem) {
    case 'leaf':
      return `Dalla posizione ${n(problem.leaf)} del registro (evento ${problem.eventId}) gli eventi non sono quelli che l’albero di Merkle aveva registrato: eventi alterati, inseriti o rimossi.`;
    case 'backdated':
      return `L’evento ${problem.eventId} (posizione ${n(problem.leaf)}) dice di essere stato registrato il ${romeDisplay(problem.recordedAt)}, ma la testa firmata il ${romeDisplay(problem.after)}, che copre ogni evento già scritto, non lo contiene: scritto dopo, con una data anteriore.`;
    case 'shorter':
      return `L’albero di Merkle registra ${n(problem.treeSize)} eventi, il registro ne contiene ${n(problem.events)}: eventi rimossi.`;
    case 'unsigned':
      return `${capitalised(headSources[problem.source])}${problem.size === null ? '' : ` (${n(problem.size)} eventi)`} non porta una firma valida del portale.`;
    case 'truncated':
      return `${capitalised(headSources[problem.source])} copre ${n(problem.size)} eventi, il registro ne contiene ${n(problem.events)}: registro troncato.`;
    case 'rewritten':
      return `I primi ${n(problem.size)} eventi del registro non sono quelli firmati: ${headSources[problem.source]} ha un’altra radice. Registro riscritto.`;
    case 'untagged':
      return `L’evento ${problem.eventId} (flusso ${problem.streamId}, versione ${n(problem.version)}, posizione ${n(problem.leaf)}) viene dopo l’ultima testa firmata e non porta il contrassegno del portale: aggiunto alla banca dati senza passare dal portale.`;
    case 'repeated':
      return `L’evento ${problem.eventId} (flusso ${problem.streamId}, versione ${n(problem.version)}, posizione ${n(problem.leaf)}) viene dopo l’ultima testa firmata ed è la copia di un evento già nel registro: aggiunto alla banca dati senza passare dal portale.`;
  }
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

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
    ...pace(job),
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
      intact: problemCount(result) === 0,
      tree: result.tree && {
        signedSize: result.tree.signedSize,
        witnessMissing: result.tree.witnessMissing ?? false,
        problems: result.tree.problems.map(treeProblemSentence),
      },
      head: result.head,
      breaks: result.breaks.slice(0, shownBreaks).map((b) => ({
        ...b,
        href: timelineHref(b.streamId, b.version),
      })),
    },
  };
}

export type VerificationView = ReturnType<typeof jobView>;

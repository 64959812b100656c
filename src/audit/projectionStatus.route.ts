import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../../domain/shared/domainError.js';
import { commandContext, requireRole } from '../accounts/auth.js';
import type { AreaDeps } from '../deps.js';
import { recordEvents } from '../platform/eventStore/commandHandler.js';
import { paramsOf, queryOf, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { requiredLine } from '../platform/http/text.js';
import { requireAuditReader } from './auditAccess.js';
import {
  operationsStream,
  projectionStatuses,
  type ProjectionRebuildRequested,
} from './projectionStatus.js';
import { startedBy } from './verify.route.js';
import { countLogEvents } from './verifyIntegrity.js';
import { rebuildLedger } from './jobLedger.js';
import { BackgroundJobs, pace, percent, type Job, type JobContext } from './verifyJobs.js';

const rebuildForm = z.object({
  // Absent (a script's post) reads as empty, to get the same message.
  motivo: requiredLine('Indicare il motivo della ricostruzione.', 500).prefault(''),
});

const nameParams = z.object({ name: z.string().max(100) });
const jobParams = z.object({ id: z.uuid() });
const pageQuery = z.object({ ricostruzione: z.uuid().optional().catch(undefined) });

type Rebuild = { readonly events: number };

/** The read models a rebuild makes again, kept for a process that takes it over. */
export const rebuildResume = z.object({
  projections: z.array(z.string().max(100)).min(1).max(100),
});

/**
 * /revisione/proiezioni: each read model's checkpoint, lag, state and last error, for everyone in
 * the auditor section; a rebuild (empty the read model, replay the log) for operators and admins
 * only, with a reason, recorded as ProjectionRebuildRequested. One rebuild runs at a time.
 */
export function projectionStatusRoutes(app: FastifyInstance, deps: AreaDeps): void {
  const readers = { preHandler: requireAuditReader };
  const operators = { preHandler: requireRole('operator', 'admin') };
  /** A rebuild of some read models, from one read of the log (the page's one, the CLI's all). */
  const rebuild = async (resume: unknown) => {
    const { projections } = rebuildResume.parse(resume);
    return {
      total: await countLogEvents(deps.eventStore, deps.database),
      work: async ({ progress, signal }: JobContext) => ({
        events: await deps.projections.rebuildTogether(projections, progress, signal),
      }),
    };
  };
  const jobs = new BackgroundJobs<Rebuild>({
    onError: (error, job) => {
      app.log.error({ err: error, projection: job.subject }, 'Projection rebuild failed');
      return `La ricostruzione di ${job.subject} si è interrotta: lo stato della proiezione dice dove.`;
    },
    ledger: rebuildLedger(deps.database.db),
    resume: rebuild,
  });
  app.addHook('onReady', () => jobs.watch());
  app.addHook('onClose', () => jobs.close());

  async function page(
    request: FastifyRequest,
    form: { for?: string; values?: Record<string, unknown>; errors?: FieldErrors } = {},
  ) {
    const query = queryOf(pageQuery, request);
    const shown = query.ricostruzione ? await jobs.find(query.ricostruzione) : undefined;
    const running = await jobs.current();
    const job = shown ?? running;
    return {
      title: 'Stato delle proiezioni',
      projections: await projectionStatuses(deps, running?.subject ?? null),
      canRebuild: ['operator', 'admin'].includes(request.account?.role ?? ''),
      job: job ? rebuildView(job) : null,
      form: { for: form.for ?? null, values: form.values ?? {}, errors: form.errors ?? {} },
    };
  }

  app.get('/proiezioni', readers, async (request, reply) =>
    reply.view('audit/projections', await page(request)),
  );

  app.post('/proiezioni/:name/ricostruisci', operators, async (request, reply) => {
    const { name } = paramsOf(nameParams, request);
    const found = deps.projections.status().find((status) => status.name === name);
    if (!found) {
      throw new DomainError('ProjectionNotFound', 'not-found', 'Proiezione non trovata.');
    }
    if (found.kind !== 'read-model') {
      throw new DomainError(
        'NotRebuildable',
        'conflict',
        `${name} non è una vista: non si ricostruisce, perché ridarebbe ${found.kind === 'reactor' ? 'le e-mail della storia' : 'i comandi della storia'}; tiene il suo punto di lettura.`,
      );
    }
    return submitForm(request, reply, deps.projections, {
      schema: rebuildForm,
      run: async ({ motivo }) => {
        const job = await startRebuild(request, name, motivo);
        // The job shows how the rebuild goes: no read model to wait for.
        return { position: null, redirect: `/revisione/proiezioni?ricostruzione=${job.id}` };
      },
      invalid: async (errors, values) =>
        reply.view('audit/projections', await page(request, { for: name, values, errors })),
    });
  });

  /** Records who asked for the rebuild of `name` and why, then runs it in the background. */
  async function startRebuild(request: FastifyRequest, name: string, reason: string) {
    // Claimed before anything is recorded: a second request at the same moment, on this process
    // or another, is refused here, and records nothing.
    const rebuildId = randomUUID();
    const resume = { projections: [name] };
    const claim = await jobs.claim({
      id: rebuildId,
      subject: name,
      startedBy: startedBy(request),
      now: deps.clock,
      resume,
    });
    if (!claim) {
      const running = await jobs.current();
      throw new DomainError(
        'RebuildRunning',
        'conflict',
        `È in corso la ricostruzione di ${running?.subject ?? name}: attendi che finisca.`,
      );
    }
    let started: Awaited<ReturnType<typeof rebuild>>;
    try {
      started = await rebuild(resume);
      const event: ProjectionRebuildRequested = {
        type: 'ProjectionRebuildRequested',
        data: { rebuildId, projection: name, reason },
      };
      await recordEvents(
        deps.eventStore,
        operationsStream.id(),
        [event],
        commandContext(request, deps.clock(), rebuildId),
      );
    } catch (error) {
      await claim.release();
      throw error;
    }
    return claim.start(started.total, started.work);
  }

  app.get('/proiezioni/ricostruzioni/:id/avanzamento', readers, async (request, reply) => {
    const job = await jobs.find(paramsOf(jobParams, request).id);
    if (!job) throw new DomainError('RebuildNotFound', 'not-found', 'Ricostruzione non trovata.');
    return reply.view('audit/_verifyProgress', { job: rebuildView(job) });
  });
}

function rebuildView(job: Job<Rebuild>) {
  return {
    id: job.id,
    subject: job.subject,
    state: job.state,
    processed: job.result?.events ?? job.processed,
    total: job.total,
    percent: percent(job),
    ...pace(job),
    startedBy: job.startedBy,
    startedAt: job.startedAt,
    error: job.error,
    pageUrl: `/revisione/proiezioni?ricostruzione=${job.id}`,
    pollUrl: `/revisione/proiezioni/ricostruzioni/${job.id}/avanzamento`,
    // One finished on another process of the portal: its count, as that process wrote it.
    result: job.result ?? (job.state === 'done' ? { events: job.processed } : null),
  };
}

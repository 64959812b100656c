import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../../domain/shared/domainError.js';
import { commandContext, requireRole } from '../accounts/auth.js';
import type { AppDeps } from '../app.js';
import { recordEvents } from '../eventStore/commandHandler.js';
import { parseForm, type FieldErrors } from '../http/forms.js';
import { seeOther } from '../http/views.js';
import { requireAuditReader } from './auditAccess.js';
import {
  operationsStreamId,
  projectionStatuses,
  type ProjectionRebuildRequested,
} from './projectionStatus.js';
import { startedBy } from './verify.route.js';
import { countLogEvents } from './verifyIntegrity.js';
import { BackgroundJobs, percent, type Job } from './verifyJobs.js';

const rebuildForm = z.object({
  motivo: z
    .string({ error: 'Indicare il motivo della ricostruzione.' })
    .trim()
    .min(1, 'Indicare il motivo della ricostruzione.')
    .max(500, 'Motivo troppo lungo: al massimo 500 caratteri.'),
});

const nameParams = z.object({ name: z.string().max(100) });
const jobParams = z.object({ id: z.uuid() });
const pageQuery = z.object({ ricostruzione: z.uuid().optional().catch(undefined) });

type Rebuild = { readonly events: number };

/**
 * /revisione/proiezioni: each read model's checkpoint, lag, state and last error, for everyone in
 * the auditor section; a rebuild (empty the read model, replay the log) for operators and admins
 * only, with a reason, recorded as ProjectionRebuildRequested. One rebuild runs at a time.
 */
export function projectionStatusRoutes(app: FastifyInstance, deps: AppDeps): void {
  const readers = { preHandler: requireAuditReader };
  const operators = { preHandler: requireRole('operator', 'admin') };
  const jobs = new BackgroundJobs<Rebuild>({
    onError: (error, job) => {
      app.log.error({ err: error, projection: job.subject }, 'Projection rebuild failed');
      return `La ricostruzione di ${job.subject} si è interrotta: lo stato della proiezione dice dove.`;
    },
  });
  app.addHook('onClose', () => jobs.close());

  async function page(
    request: FastifyRequest,
    form: { for?: string; values?: Record<string, unknown>; errors?: FieldErrors } = {},
  ) {
    const query = pageQuery.parse(request.query ?? {});
    const shown = query.ricostruzione ? jobs.get(query.ricostruzione) : undefined;
    const running = jobs.current();
    const job = shown ?? running;
    return {
      title: 'Stato delle proiezioni',
      projections: await projectionStatuses(deps, running?.subject ?? null),
      canRebuild: ['operator', 'admin'].includes(request.account?.role ?? ''),
      job: job ? rebuildView(job) : null,
      form: { for: form.for ?? null, values: form.values ?? {}, errors: form.errors ?? {} },
    };
  }

  app.get('/revisione/proiezioni', readers, async (request, reply) =>
    reply.view('audit/projections', await page(request)),
  );

  app.post('/revisione/proiezioni/:name/ricostruisci', operators, async (request, reply) => {
    const { name } = nameParams.parse(request.params);
    if (!deps.projections.status().some((status) => status.name === name)) {
      throw new DomainError('ProjectionNotFound', 'not-found', 'Proiezione non trovata.');
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form = parseForm(rebuildForm, body);
    if (!form.ok) {
      const data = await page(request, { for: name, values: body, errors: form.errors });
      return reply.code(422).view('audit/projections', data);
    }
    // Claimed before anything is awaited: a second request at the same moment is refused here,
    // and records nothing.
    const claim = jobs.claim(name);
    if (!claim) {
      throw new DomainError(
        'RebuildRunning',
        'conflict',
        `È in corso la ricostruzione di ${jobs.busyWith() ?? name}: attendi che finisca.`,
      );
    }
    const rebuildId = randomUUID();
    let total: number | null;
    try {
      total = await countLogEvents(deps.eventStore, deps.database);
      const event: ProjectionRebuildRequested = {
        type: 'ProjectionRebuildRequested',
        data: { rebuildId, projection: name, reason: form.data.motivo },
      };
      await recordEvents(
        deps.eventStore,
        operationsStreamId,
        [event],
        commandContext(request, deps.clock(), rebuildId),
      );
    } catch (error) {
      claim.release();
      throw error;
    }
    const job = claim.start(
      { id: rebuildId, startedBy: startedBy(request), total, now: deps.clock },
      async ({ progress }) => ({ events: await deps.projections.rebuild(name, progress) }),
    );
    return seeOther(request, reply, `/revisione/proiezioni?ricostruzione=${job.id}`);
  });

  app.get(
    '/revisione/proiezioni/ricostruzioni/:id/avanzamento',
    readers,
    async (request, reply) => {
      const params = jobParams.safeParse(request.params);
      const job = params.success ? jobs.get(params.data.id) : undefined;
      if (!job) throw new DomainError('RebuildNotFound', 'not-found', 'Ricostruzione non trovata.');
      return reply.view('audit/_verifyProgress', { job: rebuildView(job) });
    },
  );
}

function rebuildView(job: Job<Rebuild>) {
  return {
    id: job.id,
    subject: job.subject,
    state: job.state,
    processed: job.result?.events ?? job.processed,
    total: job.total,
    percent: percent(job),
    startedBy: job.startedBy,
    startedAt: job.startedAt,
    error: job.error,
    pageUrl: `/revisione/proiezioni?ricostruzione=${job.id}`,
    pollUrl: `/revisione/proiezioni/ricostruzioni/${job.id}/avanzamento`,
    result: job.result,
  };
}

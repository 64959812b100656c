import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { contractDecider } from '../../domain/contracts/contractDecider.js';
import { effectiveLimits } from '../../domain/campaigns/contractLimits.js';
import { isLate } from '../../domain/declarations/submitDeclaration.js';
import { holds } from '../../domain/accounts/members.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { actingOf, commandContext, requireRole } from '../accounts/auth.js';
import type { DeclarationsDeps } from '../deps.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { commandIdField, submitForm } from '../platform/http/command.js';
import { seeOther } from '../platform/http/views.js';
import { protocolSubmission } from './completeSubmission.js';
import { copyOfRecordInput } from './copyOfRecordInput.js';
import { pdf } from './declarationResult.route.js';
import {
  declarationUrl,
  fileableDeclaration,
  signatoryOf,
  type DeclarationTarget,
} from './declarationAccess.js';
import { draftFiles, preparedDraft } from './draftFiles.js';
import { issueFileLabels } from './fileLabels.js';
import { renderCopyOfRecordOffThread } from './pdf/copyOfRecordThread.js';

const submitSchema = z.object({
  commandId: commandIdField,
  'conferma-segnalazioni': z.enum(['si']).optional().catch(undefined),
});

const url = (target: DeclarationTarget, step = '') =>
  `/dichiarazioni/${target.year}/${target.contractNumber}${step}`;

/** "Validazione" → VISUALIZZA ANTEPRIMA / INVIA → "Risultato caricamento" (declarationResult.route.ts). */
export function submitDeclarationRoutes(app: FastifyInstance, deps: DeclarationsDeps): void {
  const { db } = deps.database;
  const declarants = { preHandler: requireRole('declarant') };

  /** What AVANTI validated for this account, while the draft's files are still those. */
  const draftOf = async (target: DeclarationTarget, accountId: string) =>
    preparedDraft(target, accountId, await draftFiles(deps, target, accountId));

  app.get('/:anno/:contratto/validazione', declarants, async (request, reply) => {
    const target = await fileableDeclaration(deps, request);
    const draft = await draftOf(target, actingOf(request).organisationId);
    if (!draft) return seeOther(request, reply, url(target));
    return reply.view('declarations/validation', {
      title: 'Validazione',
      maySign: holds(actingOf(request).role, 'sign'),
      year: target.year,
      base: url(target),
      warnings: draft.warnings,
      fileLabels: issueFileLabels,
      // One id per page view: INVIA pressed twice, or resent after a timeout, files once.
      commandId: randomUUID(),
      errors: {},
    });
  });

  app.get('/:anno/:contratto/anteprima.pdf', declarants, async (request, reply) => {
    const target = await fileableDeclaration(deps, request);
    const draft = await draftOf(target, actingOf(request).organisationId);
    if (!draft) return seeOther(request, reply, url(target));
    const { settings } = target.campaign;
    const body = await renderCopyOfRecordOffThread(
      copyOfRecordInput(draft, {
        mode: 'preview',
        protocolNumber: null,
        receivedAt: null,
        utilityName: deps.config.UTILITY_NAME,
        signatory: signatoryOf(request),
        deadline: settings.deadline,
        late: isLate(deps.clock(), settings.deadline),
        limits: effectiveLimits(settings.limits, draft.contractLimits ?? []),
      }),
    );
    return pdf(reply, `anteprima-dichiarazione-${target.year}-${target.contractNumber}.pdf`, body);
  });

  app.post('/:anno/:contratto/invia', declarants, async (request, reply) => {
    let target: DeclarationTarget;
    try {
      target = await fileableDeclaration(deps, request);
    } catch (error) {
      // Already filed (a second click after the first went through): show what was filed.
      if (error instanceof DomainError && error.code === 'AlreadyDeclared') {
        return seeOther(request, reply, declarationUrl(request, '/risultato'));
      }
      throw error;
    }
    // Files changed after AVANTI (another tab, "Torna"): what would be sent is not what was checked.
    const draft = await draftOf(target, actingOf(request).organisationId);
    if (!draft) return seeOther(request, reply, url(target));
    return submitForm(request, reply, deps.projections, {
      schema: submitSchema,
      run: async (form) => ({
        position: await submit(request, target, form),
        redirect: url(target, '/risultato'),
      }),
      invalid: (errors, values) =>
        reply.view('declarations/validation', {
          title: 'Validazione',
          maySign: holds(actingOf(request).role, 'sign'),
          year: target.year,
          base: url(target),
          warnings: draft.warnings,
          fileLabels: issueFileLabels,
          commandId: values.commandId,
          errors,
        }),
    });
  });

  /** Sends the declaration and gives it its number; the copy of record follows (declarationProtocols). */
  async function submit(
    request: FastifyRequest,
    target: DeclarationTarget,
    form: z.output<typeof submitSchema>,
  ) {
    const now = deps.clock();
    const result = await handleCommand(
      deps.eventStore,
      contractDecider,
      target.streamId,
      {
        type: 'SubmitDeclaration',
        signatory: signatoryOf(request),
        role: actingOf(request).role,
        year: target.year,
        deadline: target.campaign.settings.deadline,
        warningsAcknowledged: form['conferma-segnalazioni'] === 'si',
        receivedAt: now,
      },
      commandContext(request, now, form.commandId),
    );
    const submitted = await deps.eventStore.readStream(target.streamId, {
      fromVersion: result.nextExpectedVersion,
    });
    const event = submitted.events.find((recorded) => recorded.type === 'DeclarationSubmitted');
    const protocolled = event
      ? await protocolSubmission({ store: deps.eventStore, db }, event)
      : null;
    return protocolled ?? result.position;
  }
}

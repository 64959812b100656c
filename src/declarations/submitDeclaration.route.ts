import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { contractDecider } from '../../domain/contracts/contractDecider.js';
import { effectiveLimits } from '../../domain/campaigns/contractLimits.js';
import { isLate, mustAcknowledgeWarnings } from '../../domain/declarations/submitDeclaration.js';
import { holds } from '../../domain/accounts/members.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { actingOf, commandContext, requireRole } from '../accounts/auth.js';
import type { DeclarationsDeps } from '../deps.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { commandIdField, FormRefused, queryOf, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { line, requiredLine, secret } from '../platform/http/text.js';
import { passwordRefusal } from '../accounts/reauthentication.js';
import {
  certificationText,
  certificationVersion,
} from '../../domain/declarations/certification.js';
import type { ContractState } from '../../domain/contracts/contract.js';
import { seeOther } from '../platform/http/views.js';
import { protocolSubmission } from './completeSubmission.js';
import { copyOfRecordInput } from './copyOfRecordInput.js';
import { estimateCaveat, tariffEstimateView } from './tariffEstimateView.js';
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
  'legale-rappresentante': requiredLine(
    'Indica il nome e cognome del legale rappresentante della ditta.',
    120,
  ),
  'dichiarazione-sostitutiva': z.literal('si', {
    error: 'Per inviare occorre rendere la dichiarazione sostitutiva.',
  }),
  password: secret(200).min(1, 'Inserisci la password del tuo account per confermare l’invio.'),
});

const wordingQuery = z.object({ 'legale-rappresentante': line(120).catch('') });

const url = (target: DeclarationTarget, step = '') =>
  `/dichiarazioni/${target.year}/${target.contractNumber}${step}`;

/** "Validazione" → VISUALIZZA ANTEPRIMA / INVIA → "Risultato caricamento" (declarationResult.route.ts). */
export function submitDeclarationRoutes(app: FastifyInstance, deps: DeclarationsDeps): void {
  const { db } = deps.database;
  const declarants = { preHandler: requireRole('declarant') };

  /** What AVANTI validated for this account, while the draft's files are still those. */
  const draftOf = async (target: DeclarationTarget, accountId: string) =>
    preparedDraft(target, accountId, await draftFiles(deps, target, accountId));

  /** The self-declaration's text as it will be recorded, with the legal representative typed. */
  const wording = (
    request: FastifyRequest,
    target: DeclarationTarget,
    draft: { figures: { companyName: string } },
    legalRepresentative: string,
  ) => {
    const signatory = signatoryOf(request);
    return {
      text: certificationText({
        sender: signatory.name,
        // The contract's company, not the name typed in the workbook.
        companyName: target.state.companyName ?? draft.figures.companyName,
        legalRepresentative: legalRepresentative.trim() || '…',
        onBehalf: signatory.kind === 'studio',
      }),
      version: certificationVersion,
    };
  };

  /**
   * The text again as the legal representative is typed (htmx), so what is ticked is exact. Once
   * the year can no longer be filed (INVIA pressed before a late refresh), nothing to change: 204,
   * which htmx does not swap; INVIA itself says why.
   */
  app.get('/:anno/:contratto/dichiarazione-sostitutiva', declarants, async (request, reply) => {
    const target = await fileableDeclaration(deps, request).catch((error: unknown) => {
      if (error instanceof DomainError && error.kind === 'conflict') return null;
      throw error;
    });
    if (!target) return reply.code(204).send();
    const draft = await draftOf(target, actingOf(request).organisationId);
    if (!draft) return seeOther(request, reply, url(target));
    const typed = queryOf(wordingQuery, request)['legale-rappresentante'];
    return reply.view('declarations/_certificationText', wording(request, target, draft, typed));
  });

  /** The validated draft, the self-declaration to make and INVIA; `values` as posted, if any. */
  const validationPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    target: DeclarationTarget,
    draft: NonNullable<Awaited<ReturnType<typeof draftOf>>>,
    form: { commandId: string; values: Record<string, unknown>; errors: FieldErrors },
  ) => {
    const typed = form.values['legale-rappresentante'];
    const legalRepresentative =
      typeof typed === 'string' ? typed : lastLegalRepresentative(target.state);
    const { settings } = target.campaign;
    return reply.view('declarations/validation', {
      title: 'Validazione',
      tariffEstimate: tariffEstimateView(
        settings.tariff,
        effectiveLimits(settings.limits, draft.contractLimits ?? []),
        draft.figures.dischargedVolume,
        draft.analyses,
      ),
      estimateCaveat,
      maySign: holds(actingOf(request).role, 'sign'),
      year: target.year,
      base: url(target),
      warnings: draft.warnings,
      fileLabels: issueFileLabels,
      certification: {
        ...wording(request, target, draft, legalRepresentative),
        legalRepresentative,
        certified: form.values['dichiarazione-sostitutiva'] === 'si',
      },
      commandId: form.commandId,
      errors: form.errors,
    });
  };

  app.get('/:anno/:contratto/validazione', declarants, async (request, reply) => {
    const target = await fileableDeclaration(deps, request);
    const draft = await draftOf(target, actingOf(request).organisationId);
    if (!draft) return seeOther(request, reply, url(target));
    // One id per page view: INVIA pressed twice, or resent after a timeout, files once.
    return validationPage(request, reply, target, draft, {
      commandId: randomUUID(),
      values: {},
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
        tariff: settings.tariff,
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
        position: await submit(request, target, draft.warnings, form),
        redirect: url(target, '/risultato'),
      }),
      invalid: (errors, values) =>
        validationPage(request, reply, target, draft, {
          commandId: typeof values.commandId === 'string' ? values.commandId : randomUUID(),
          values,
          // The warnings not confirmed are said with the rest (the password stays last).
          errors: { ...warningsRefusal(draft.warnings, values), ...errors },
        }),
    });
  });

  /** The refusal of warnings left unconfirmed, as a field error (none when confirmed or none). */
  function warningsRefusal(warnings: readonly unknown[], values: Record<string, unknown>) {
    try {
      mustAcknowledgeWarnings(warnings, values['conferma-segnalazioni'] === 'si');
      return {};
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field) throw error;
      return { [error.field]: error.message };
    }
  }

  /** Sends the declaration and gives it its number; the copy of record follows (declarationProtocols). */
  async function submit(
    request: FastifyRequest,
    target: DeclarationTarget,
    warnings: readonly unknown[],
    form: z.output<typeof submitSchema>,
  ) {
    const now = deps.clock();
    // The password is checked last, once the form is otherwise complete: a wrong one costs a
    // try, and a right one is not spent on a form refused for something else.
    mustAcknowledgeWarnings(warnings, form['conferma-segnalazioni'] === 'si');
    const refusal = await passwordRefusal(deps, request, form.password, now);
    if (refusal) throw new FormRefused({ password: refusal });
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
        legalRepresentative: form['legale-rappresentante'],
        certified: true,
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

/** The legal representative named in the contract's latest filing with a self-declaration. */
function lastLegalRepresentative(state: ContractState): string {
  const named = Object.entries(state.declarations)
    .filter(([, declaration]) => declaration.submitted?.certification)
    .sort(([a], [b]) => Number(b) - Number(a));
  return named[0]?.[1].submitted?.certification?.legalRepresentative ?? '';
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { contractDecider } from '../../domain/contracts/contractDecider.js';
import { maxAttachments } from '../../domain/declarations/declarationDraft.js';
import { declarationOf } from '../../domain/declarations/declarationState.js';
import type { DeclarationFile } from '../../domain/declarations/declarationEvents.js';
import { contractHeading } from '../../projections/contracts/contractQueries.js';
import { actingOf, commandContext, requireRole } from '../accounts/auth.js';
import type { DeclarationsDeps } from '../deps.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { queryOf } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { maxUploadBytes } from '../platform/http/uploads.js';
import { isHtmx, seeOther } from '../platform/http/views.js';
import { fileableDeclaration, type DeclarationTarget } from './declarationAccess.js';
import { issueFileLabels } from './fileLabels.js';
import { draftFiles, preparedDraft, saveDraftFiles } from './draftFiles.js';
import { attachmentRows, draftProblems, maxAttachmentRows, readUploadForm } from './uploadForm.js';
import { validateDraft } from './validateDraft.js';

const wizardQuery = z.object({
  righe: z.string().max(4).optional().catch(undefined),
  online: z.literal('salvata').optional().catch(undefined),
});
const rowQuery = z.object({ indice: z.coerce.number().int().min(1).max(maxAttachmentRows) });

const url = (target: DeclarationTarget, step = '') =>
  `/dichiarazioni/${target.year}/${target.contractNumber}${step}`;

/** New attachment rows the page may show: per submission, and what the draft still has room for. */
const lastAttachmentRow = (files: readonly DeclarationFile[]) =>
  Math.min(
    maxAttachmentRows,
    maxAttachments - files.filter((file) => file.slot === 'allegato').length,
  );

interface WizardForm {
  readonly errors?: FieldErrors;
  readonly notificationEmail?: string;
  readonly visionato?: boolean;
  readonly rows?: number;
  readonly descriptions?: Readonly<Record<string, string>>;
  /** Back from «Compila online», its workbook saved in the draft. */
  readonly savedOnline?: boolean;
}

/** Steps 2 to 6 of the wizard, and AVANTI: keep the files, validate the draft, "Validazione". */
export function prepareDeclarationRoutes(app: FastifyInstance, deps: DeclarationsDeps): void {
  const { db } = deps.database;
  const declarants = { preHandler: requireRole('declarant') };

  async function wizard(
    request: FastifyRequest,
    reply: FastifyReply,
    target: DeclarationTarget,
    files: readonly DeclarationFile[],
    form: WizardForm = {},
  ) {
    const me = request.account!;
    const prepared = preparedDraft(target, actingOf(request).organisationId, files);
    const contract = await contractHeading(db, target.contractNumber);
    const errors = form.errors ?? {};
    const lastRow = lastAttachmentRow(files);
    return reply.code(Object.keys(errors).length > 0 ? 422 : 200).view('declarations/wizard', {
      title: `Dichiarazione ${target.year} · contratto ${target.contractNumber}`,
      year: target.year,
      contractNumber: target.contractNumber,
      correction: declarationOf(target.state.declarations, target.year).correction,
      contract,
      base: url(target),
      draftFiles: files,
      prepared: Boolean(prepared),
      notificationEmail: form.notificationEmail ?? prepared?.notificationEmail ?? me.email,
      visionato: form.visionato ?? Boolean(prepared),
      rows: Math.min(form.rows ?? 1, lastRow),
      lastRow,
      descriptions: form.descriptions ?? {},
      savedOnline: form.savedOnline ?? false,
      maxAttachments,
      maxAttachmentRows,
      maxUploadMegabytes: maxUploadBytes / 1024 / 1024,
      errors,
    });
  }

  app.get('/:anno/:contratto', declarants, async (request, reply) => {
    const target = await fileableDeclaration(deps, request);
    const files = await draftFiles(deps, target, actingOf(request).organisationId);
    const { righe, online } = queryOf(wizardQuery, request);
    return wizard(request, reply, target, files, {
      rows: attachmentRows(righe),
      savedOnline: online === 'salvata',
    });
  });

  /** htmx "Aggiungi allegato": the next empty row, and the button that asks for the one after. */
  app.get('/:anno/:contratto/allegati/riga', declarants, async (request, reply) => {
    const target = await fileableDeclaration(deps, request);
    const { indice: index } = queryOf(rowQuery, request);
    if (!isHtmx(request)) return seeOther(request, reply, url(target, `?righe=${index}`));
    const lastRow = lastAttachmentRow(
      await draftFiles(deps, target, actingOf(request).organisationId),
    );
    if (index > lastRow)
      return reply.view('declarations/_addAttachment', {
        base: url(target),
        next: index,
        lastRow,
        oob: true,
      });
    return reply.view('declarations/_newAttachment', {
      index,
      errors: {},
      descriptions: {},
      base: url(target),
      next: index + 1,
      lastRow,
    });
  });

  app.post('/:anno/:contratto', declarants, async (request, reply) => {
    const target = await fileableDeclaration(deps, request);
    const acting = actingOf(request);
    const form = await readUploadForm(request.body);
    const { files, refused, opened } = await saveDraftFiles(deps, request, target, form);
    const adding = form.action === 'aggiungi-allegato';
    const errors = {
      ...(adding ? {} : draftProblems(form, files)),
      ...form.errors,
      ...refused,
    };
    if (adding || Object.keys(errors).length > 0) {
      return wizard(request, reply, target, files, {
        errors,
        notificationEmail: form.notificationEmail,
        visionato: form.visionato,
        // Rows whose file went into the draft leave; "Aggiungi allegato" adds an empty one.
        rows: adding
          ? Math.max(1, form.rows - form.chosen.filter((c) => c.slot === 'allegato').length + 1)
          : form.rows,
        // A description stays typed in its row while its file is not in the draft.
        descriptions: Object.fromEntries(
          Object.entries(form.descriptions).filter(
            ([name]) => errors[name] ?? errors[name.replace('descrizione', 'allegato')],
          ),
        ),
      });
    }

    const validation = await validateDraft(db, target, files, opened);
    if (!validation.content) {
      return reply.code(422).view('declarations/errors', {
        title: 'Errori nei file caricati',
        year: target.year,
        back: url(target),
        fileLabels: issueFileLabels,
        issues: validation.issues.filter((issue) => issue.severity === 'error'),
      });
    }
    const now = deps.clock();
    const result = await handleCommand(
      deps.eventStore,
      contractDecider,
      target.streamId,
      {
        type: 'PrepareDeclaration',
        accountId: acting.organisationId,
        role: acting.role,
        campaignOpen: true,
        content: { ...validation.content, notificationEmail: form.notificationEmail },
      },
      commandContext(request, now),
    );
    await deps.projections.waitFor(result.position);
    return seeOther(request, reply, url(target, '/validazione'));
  });
}

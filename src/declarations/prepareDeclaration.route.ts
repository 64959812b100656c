import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contractDecider } from '../../domain/contracts/contractDecider.js';
import type { DeclarationFile, FileSlot } from '../../domain/declarations/declarationEvents.js';
import type { WorkbookIssue } from '../../domain/declarations/declarationFigures.js';
import { declarationOf } from '../../domain/declarations/declarationState.js';
import { declarationRow } from '../../projections/declarations/declarations.js';
import { commandContext, requireRole } from '../accounts/auth.js';
import type { AppDeps } from '../app.js';
import { readDocument, storeDocument } from '../documents/documentStore.js';
import { handleCommand } from '../eventStore/commandHandler.js';
import type { FieldErrors } from '../http/forms.js';
import { seeOther } from '../http/views.js';
import { fileableDeclaration, type DeclarationTarget } from './declarationAccess.js';
import { contentTypeOf } from './contentType.js';
import { maxNewAttachments, readUploadForm, type SlotFile } from './uploadForm.js';
import {
  readAnalysesUpload,
  readChecklistUpload,
  readDeclarationUpload,
  type ExpectedWorkbook,
} from './workbooks/index.js';

const url = (target: DeclarationTarget, step = '') =>
  `/dichiarazioni/${target.year}/${target.contractNumber}${step}`;

/** Steps 2 to 6 of the wizard, and AVANTI: validate, keep the files, go to "Validazione". */
export function prepareDeclarationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.database;
  const declarants = { preHandler: requireRole('declarant') };

  async function wizard(
    request: FastifyRequest,
    reply: FastifyReply,
    target: DeclarationTarget,
    form: { errors?: FieldErrors; notificationEmail?: string } = {},
  ) {
    const me = request.account!;
    const draft = declarationOf(target.state.declarations, target.year).draft;
    const mine = draft?.preparedBy === me.accountId ? draft : null;
    const contract = await db
      .selectFrom('contracts')
      .select(['company_name', 'customer_code', 'plant'])
      .where('contract_number', '=', target.contractNumber)
      .executeTakeFirstOrThrow();
    return reply.code(form.errors ? 422 : 200).view('declarations/wizard', {
      title: `Dichiarazione ${target.year} · contratto ${target.contractNumber}`,
      year: target.year,
      contractNumber: target.contractNumber,
      contract,
      base: url(target),
      draftFiles: mine?.files ?? [],
      notificationEmail: form.notificationEmail ?? mine?.notificationEmail ?? me.email,
      // Ticked when a draft exists, or when the form came back with other errors only.
      visionato: Boolean(mine) || (form.errors !== undefined && !form.errors.visionato),
      maxNewAttachments,
      errors: form.errors ?? {},
    });
  }

  app.get('/dichiarazioni/:anno/:contratto', declarants, async (request, reply) =>
    wizard(request, reply, await fileableDeclaration(deps, request)),
  );

  app.post('/dichiarazioni/:anno/:contratto', declarants, async (request, reply) => {
    const target = await fileableDeclaration(deps, request);
    const me = request.account!;
    const draft = declarationOf(target.state.declarations, target.year).draft;
    const { upload, errors } = await readUploadForm(
      (request.body ?? {}) as Record<string, unknown>,
      draft?.preparedBy === me.accountId ? draft.files : [],
    );
    if (Object.keys(errors).length > 0)
      return wizard(request, reply, target, {
        errors,
        notificationEmail: upload.notificationEmail,
      });

    const { settings } = target.campaign;
    const expected = (kind: ExpectedWorkbook['kind']): ExpectedWorkbook => ({
      kind,
      year: target.year,
      templateVersion: settings.templateVersion,
      contractNumber: target.contractNumber,
      customerCode: target.state.customerCode ?? '',
    });
    const bytes = async (slot: SlotFile | undefined) =>
      !slot
        ? null
        : slot.kept
          ? ((await readDocument(db, slot.file.sha256))?.content ?? null)
          : slot.upload.content;
    const previous = await declarationRow(db, target.contractNumber, target.year - 1);
    const declaration = await readDeclarationUpload(
      (await bytes(upload.files.get('dichiarazione')))!,
      expected('dichiarazione'),
      settings,
      previous?.status === 'submitted' ? previous.dischargedVolume : null,
    );
    const analysesBytes = await bytes(upload.files.get('analisi'));
    const analyses = analysesBytes
      ? await readAnalysesUpload(analysesBytes, expected('analisi'), settings)
      : null;
    const checklistBytes = await bytes(upload.files.get('checklist'));
    const checklist = checklistBytes
      ? await readChecklistUpload(checklistBytes, expected('checklist'))
      : null;
    const issues: WorkbookIssue[] = [
      ...declaration.issues,
      ...(analyses?.issues ?? []),
      ...(checklist?.issues ?? []),
    ];
    const blocking = issues.filter((issue) => issue.severity === 'error');
    if (blocking.length > 0 || !declaration.figures || (analyses && !analyses.figures)) {
      return reply.code(422).view('declarations/errors', {
        title: 'Errori nei file caricati',
        year: target.year,
        back: url(target),
        issues: blocking,
      });
    }

    const now = deps.clock();
    const keep = async (slot: FileSlot, file: SlotFile): Promise<DeclarationFile> => {
      if (file.kept) return file.file;
      const stored = await storeDocument(db, file.upload.content, contentTypeOf(file.upload), now);
      return {
        slot,
        filename: file.upload.filename,
        contentType: stored.contentType,
        size: stored.size,
        sha256: stored.sha256,
        description: file.description,
      };
    };
    const files = [
      ...(await Promise.all([...upload.files].map(([slot, file]) => keep(slot, file)))),
      ...(await Promise.all(upload.attachments.map((file) => keep('allegato', file)))),
    ];
    const result = await handleCommand(
      deps.eventStore,
      contractDecider,
      target.streamId,
      {
        type: 'PrepareDeclaration',
        accountId: me.accountId,
        campaignOpen: true,
        content: {
          year: target.year,
          templateVersion: settings.templateVersion,
          notificationEmail: upload.notificationEmail,
          files,
          figures: declaration.figures,
          analyses: analyses?.figures ?? null,
          warnings: issues.filter((issue) => issue.severity === 'warning'),
        },
      },
      commandContext(request, now),
    );
    await deps.projections.waitFor(result.position);
    return seeOther(request, reply, url(target, '/validazione'));
  });
}

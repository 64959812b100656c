import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actingOf, requireRole } from '../accounts/auth.js';
import type { DeclarationsDeps } from '../deps.js';
import { readDocument } from '../platform/documents/documentStore.js';
import { contentDisposition } from '../platform/http/contentDisposition.js';
import { nestFields, type FieldErrors } from '../platform/http/forms.js';
import { isHtmx, seeOther } from '../platform/http/views.js';
import { fileableDeclaration, type DeclarationTarget } from './declarationAccess.js';
import { draftFiles, saveDraftFiles } from './draftFiles.js';
import {
  addedTable,
  fieldOf,
  issuesByField,
  onlineView,
  readOnlineForm,
  type OnlineForm,
} from './onlineForm.js';
import { expectedWorkbook, templateContextOf } from './templateContextOf.js';
import { previousVolume } from './validateDraft.js';
import {
  declarationTemplate,
  openUpload,
  readDeclarationCells,
  type TemplateContext,
} from './workbooks/index.js';
import { textWorkbook, workbookTexts, type CellTexts } from './workbooks/declarationCells.js';

const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const url = (target: DeclarationTarget, step = '') =>
  `/dichiarazioni/${target.year}/${target.contractNumber}${step}`;

const filename = (target: DeclarationTarget) =>
  `dichiarazione-${target.year}-${target.contractNumber}.xlsx`;

/**
 * «Compila online» (step 3 without Excel): the declaration workbook's cells as a form. Saving
 * writes them into the prefilled template and keeps it in the draft as the «Dichiarazione» file,
 * so AVANTI, the copy of record and «Scarica come Excel» meet one workbook whichever way it came.
 */
export function onlineDeclarationRoutes(app: FastifyInstance, deps: DeclarationsDeps): void {
  const { db } = deps.database;
  const declarants = { preHandler: requireRole('declarant') };

  /** The cells of the draft's workbook, typed online or uploaded; none before either. */
  async function draftTexts(request: FastifyRequest, target: DeclarationTarget) {
    const files = await draftFiles(deps, target, actingOf(request).organisationId);
    const file = files.find((each) => each.slot === 'dichiarazione');
    const stored = file ? await readDocument(db, file.sha256) : undefined;
    if (!stored) return { texts: new Map() as CellTexts, unreadable: false };
    const opened = await openUpload(stored.content, 'dichiarazione');
    return opened.workbook
      ? { texts: workbookTexts(opened.workbook), unreadable: false }
      : { texts: new Map() as CellTexts, unreadable: true };
  }

  /** What the workbook reader and the declaration's rules say of the texts, as of an upload. */
  async function check(target: DeclarationTarget, context: TemplateContext, texts: CellTexts) {
    return readDeclarationCells(
      textWorkbook(texts, context),
      expectedWorkbook(target, 'dichiarazione'),
      target.campaign.settings,
      previousVolume(target),
    ).issues;
  }

  function page(
    reply: FastifyReply,
    target: DeclarationTarget,
    context: TemplateContext,
    form: {
      texts: CellTexts;
      rows?: OnlineForm['rows'];
      refused?: FieldErrors;
      issues?: Awaited<ReturnType<typeof check>>;
      saved?: boolean;
      unreadable?: boolean;
    },
  ) {
    const issues = form.issues ?? [];
    const view = onlineView(form.texts, { refused: form.refused ?? {}, issues }, form.rows ?? {});
    const general = issuesByField(issues).general;
    // Each field in error, linked from the summary; a name the page never drew, said once.
    const fields = [...view.summary, ...view.tables.flatMap((table) => table.rows.flat())];
    const wrong = fields.filter((field) => field.error);
    const drawn = new Set(fields.map((field) => field.name));
    const stray = [
      ...new Set(
        Object.entries(form.refused ?? {})
          .filter(([name]) => !drawn.has(name))
          .map(([, message]) => message),
      ),
    ];
    const errors =
      wrong.length + stray.length + general.filter((issue) => issue.severity === 'error').length;
    return reply.code(errors > 0 ? 422 : 200).view('declarations/online', {
      title: `Compila online · dichiarazione ${target.year} · contratto ${target.contractNumber}`,
      year: target.year,
      contractNumber: target.contractNumber,
      base: url(target),
      context,
      form: view,
      general,
      wrong,
      stray,
      errors,
      saved: form.saved ?? false,
      unreadable: form.unreadable ?? false,
    });
  }

  app.get('/:anno/:contratto/online', declarants, async (request, reply) => {
    const target = await fileableDeclaration(deps, request);
    const { texts, unreadable } = await draftTexts(request, target);
    return page(reply, target, await templateContextOf(db, target), { texts, unreadable });
  });

  app.post('/:anno/:contratto/online', declarants, async (request, reply) => {
    const target = await fileableDeclaration(deps, request);
    const context = await templateContextOf(db, target);
    const form = readOnlineForm(nestFields(request.body));
    const refused = form.errors;

    // One field checked as it changes (htmx): the field again, with its message. Without
    // JavaScript, the whole page is checked and nothing is saved.
    if (form.action === 'verifica' && !isHtmx(request)) {
      const issues =
        Object.keys(refused).length > 0 ? [] : await check(target, context, form.texts);
      return page(reply, target, context, { texts: form.texts, rows: form.rows, refused, issues });
    }
    if (form.action === 'verifica') {
      const issues =
        Object.keys(refused).length > 0 ? [] : await check(target, context, form.texts);
      const view = onlineView(form.texts, { refused, issues }, form.rows);
      const field = form.field ? fieldOf(view, form.field) : undefined;
      if (!field) return reply.code(204).send();
      return reply.view('declarations/_onlineField', { field, base: url(target) });
    }
    const adding = addedTable(form.action);
    if (adding) {
      const rows = { ...form.rows, [adding]: (form.rows[adding] ?? 1) + 1 };
      return page(reply, target, context, { texts: form.texts, rows, refused });
    }
    // A refused field (control characters, too long) keeps the page and saves nothing.
    if (Object.keys(refused).length > 0)
      return page(reply, target, context, { texts: form.texts, rows: form.rows, refused });

    const workbook = await declarationTemplate(context, form.texts);
    const { refused: notKept } = await saveDraftFiles(deps, request, target, {
      remove: [],
      chosen: [
        {
          field: 'dichiarazione',
          slot: 'dichiarazione',
          upload: { filename: filename(target), contentType: xlsx, content: workbook },
          description: null,
        },
      ],
    });
    if (Object.keys(notKept).length > 0)
      return page(reply, target, context, { texts: form.texts, rows: form.rows, refused: notKept });
    if (form.action === 'excel') {
      return reply
        .type(xlsx)
        .header('Content-Disposition', contentDisposition('attachment', filename(target)))
        .header('Cache-Control', 'no-store')
        .send(workbook);
    }
    const issues = await check(target, context, form.texts);
    if (issues.some((issue) => issue.severity === 'error'))
      return page(reply, target, context, {
        texts: form.texts,
        rows: form.rows,
        issues,
        saved: true,
      });
    return seeOther(request, reply, `${url(target)}?online=salvata`);
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WorkbookIssue } from '../../domain/declarations/declarationFigures.js';
import { actingOf, requireRole } from '../accounts/auth.js';
import type { DeclarationsDeps } from '../deps.js';
import { readDocument } from '../platform/documents/documentStore.js';
import { contentDisposition } from '../platform/http/contentDisposition.js';
import { nestFields, type FieldErrors } from '../platform/http/forms.js';
import { isHtmx, seeOther } from '../platform/http/views.js';
import { fileableDeclaration, type DeclarationTarget } from './declarationAccess.js';
import { draftFiles, saveDraftFiles } from './draftFiles.js';
import { issuesByField, onlineView, readOnlineForm, type OnlineForm } from './onlineForm.js';
import { expectedWorkbook, templateContextOf } from './templateContextOf.js';
import { previousVolume } from './validateDraft.js';
import {
  analysesForm,
  declarationForm,
  maxOnlineRows,
  textWorkbook,
  tooLongForOnline,
  workbookTexts,
  type CellForm,
  type CellTexts,
} from './workbooks/cellForms.js';
import {
  analysesTemplate,
  declarationTemplate,
  openUpload,
  readAnalysesCells,
  readDeclarationCells,
  type TemplateContext,
} from './workbooks/index.js';

const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A workbook the wizard takes that can be typed online instead. */
interface OnlinePage {
  readonly form: CellForm;
  /** Under the declaration's address. */
  readonly path: string;
  readonly heading: string;
  readonly filename: (target: DeclarationTarget) => string;
  readonly render: (ctx: TemplateContext, texts: CellTexts) => Promise<Buffer>;
  /** What the reader and the rules say of the texts, as of an upload. */
  readonly check: (
    target: DeclarationTarget,
    ctx: TemplateContext,
    texts: CellTexts,
  ) => readonly WorkbookIssue[];
}

const pages: readonly OnlinePage[] = [
  {
    form: declarationForm,
    path: '/online',
    heading: 'la dichiarazione',
    filename: (t) => `dichiarazione-${t.year}-${t.contractNumber}.xlsx`,
    render: declarationTemplate,
    check: (target, ctx, texts) =>
      readDeclarationCells(
        textWorkbook(declarationForm, texts, ctx),
        expectedWorkbook(target, 'dichiarazione'),
        target.campaign.settings,
        previousVolume(target),
      ).issues,
  },
  {
    form: analysesForm,
    path: '/online/analisi',
    heading: 'le analisi chimiche',
    filename: (t) => `analisi-chimiche-${t.year}-${t.contractNumber}.xlsx`,
    render: analysesTemplate,
    check: (target, ctx, texts) =>
      readAnalysesCells(
        textWorkbook(analysesForm, texts, ctx),
        target.campaign.settings,
        target.contractLimits,
      ).issues,
  },
];

const url = (target: DeclarationTarget, step = '') =>
  `/dichiarazioni/${target.year}/${target.contractNumber}${step}`;

/**
 * «Compila online» (steps 3 and 4 without Excel): a workbook's cells as a form. Saving writes them
 * into the prefilled template and keeps it in the draft as that step's file, so AVANTI, the copy
 * of record and «Scarica come Excel» meet one workbook whichever way it came.
 */
export function onlineDeclarationRoutes(app: FastifyInstance, deps: DeclarationsDeps): void {
  for (const online of pages) onlinePageRoutes(app, deps, online);
}

function onlinePageRoutes(app: FastifyInstance, deps: DeclarationsDeps, online: OnlinePage) {
  const { db } = deps.database;
  const { form } = online;
  const declarants = { preHandler: requireRole('declarant') };

  /** The cells of the draft's workbook, typed online or uploaded; none before either. */
  async function draftTexts(request: FastifyRequest, target: DeclarationTarget) {
    const files = await draftFiles(deps, target, actingOf(request).organisationId);
    const file = files.find((each) => each.slot === form.kind);
    const stored = file ? await readDocument(db, file.sha256) : undefined;
    if (!stored) return { texts: new Map() as CellTexts, unreadable: null };
    const opened = await openUpload(stored.content, form.kind);
    const texts = opened.workbook ? workbookTexts(form, opened.workbook) : null;
    // A workbook the form cannot show whole is not opened: saving would lose what it leaves out.
    if (!texts) return { texts: new Map() as CellTexts, unreadable: 'illeggibile' as const };
    if (tooLongForOnline(form, texts))
      return { texts: new Map() as CellTexts, unreadable: 'troppe-righe' as const };
    return { texts, unreadable: null };
  }

  function page(
    reply: FastifyReply,
    target: DeclarationTarget,
    ctx: TemplateContext,
    state: {
      texts: CellTexts;
      rows?: OnlineForm['rows'];
      refused?: FieldErrors;
      issues?: readonly WorkbookIssue[];
      saved?: boolean;
      unreadable?: 'illeggibile' | 'troppe-righe' | null;
    },
  ) {
    const issues = state.issues ?? [];
    const refused = state.refused ?? {};
    const view = onlineView(form, ctx, state.texts, { refused, issues }, state.rows ?? {});
    const general = issuesByField(issues).general;
    // Each field in error, linked from the summary; a name the page never drew, said once.
    const wrong = view.fields.filter((field) => field.error);
    const drawn = new Set(view.fields.map((field) => field.name));
    const stray = [
      ...new Set(
        Object.entries(refused)
          .filter(([name]) => !drawn.has(name))
          .map(([, message]) => message),
      ),
    ];
    const errors =
      wrong.length + stray.length + general.filter((issue) => issue.severity === 'error').length;
    return reply.code(errors > 0 ? 422 : 200).view('declarations/online', {
      title: `Compila online ${online.heading} · ${target.year} · contratto ${target.contractNumber}`,
      heading: online.heading,
      year: target.year,
      contractNumber: target.contractNumber,
      base: url(target),
      action: url(target, online.path),
      context: ctx,
      form: view,
      general,
      wrong,
      stray,
      errors,
      saved: state.saved ?? false,
      unreadable: state.unreadable ?? null,
      maxRows: maxOnlineRows,
    });
  }

  app.get(`/:anno/:contratto${online.path}`, declarants, async (request, reply) => {
    const target = await fileableDeclaration(deps, request);
    const { texts, unreadable } = await draftTexts(request, target);
    return page(reply, target, await templateContextOf(db, target), { texts, unreadable });
  });

  app.post(`/:anno/:contratto${online.path}`, declarants, async (request, reply) => {
    const target = await fileableDeclaration(deps, request);
    const ctx = await templateContextOf(db, target);
    const posted = readOnlineForm(form, nestFields(request.body));
    const { texts, rows, errors: refused } = posted;
    const refusedAny = Object.keys(refused).length > 0;

    // One field checked as it changes (htmx): that field again, with its message. Without
    // JavaScript, the whole page is checked and nothing is saved.
    if (posted.action === 'verifica') {
      const issues = refusedAny ? [] : online.check(target, ctx, texts);
      if (!isHtmx(request)) return page(reply, target, ctx, { texts, rows, refused, issues });
      const view = onlineView(form, ctx, texts, { refused, issues }, rows);
      const field = view.fields.find((each) => each.name === posted.field);
      if (!field) return reply.code(204).send();
      // A rule across figures names another cell (the volume balance on «Volume scaricato», a
      // reading on its row): those fields come too, out of band, so no message stays stale.
      const related = view.fields.filter(
        (each) =>
          each !== field &&
          (each.row === null ||
            each.row === field.row ||
            each.error ||
            each.warning ||
            posted.flagged.has(each.id)),
      );
      return reply.view('declarations/_onlineFields', {
        field,
        related,
        action: url(target, online.path),
      });
    }
    // «+ Aggiungi riga» redraws the page with one more row; it never saves.
    if (posted.action === 'aggiungi') {
      const more = posted.table ? { ...rows, [posted.table]: (rows[posted.table] ?? 1) + 1 } : rows;
      return page(reply, target, ctx, { texts, rows: more, refused });
    }
    // A refused field (control characters, too long) keeps the page and saves nothing.
    if (refusedAny) return page(reply, target, ctx, { texts, rows, refused });

    const workbook = await online.render(ctx, texts);
    const { refused: notKept } = await saveDraftFiles(deps, request, target, {
      remove: [],
      chosen: [
        {
          field: form.kind,
          slot: form.kind,
          upload: { filename: online.filename(target), contentType: xlsx, content: workbook },
          description: null,
          opened: null,
        },
      ],
    });
    if (Object.keys(notKept).length > 0)
      return page(reply, target, ctx, { texts, rows, refused: notKept });
    if (posted.action === 'excel') {
      return reply
        .type(xlsx)
        .header('Content-Disposition', contentDisposition('attachment', online.filename(target)))
        .header('Cache-Control', 'no-store')
        .send(workbook);
    }
    const issues = online.check(target, ctx, texts);
    if (issues.some((issue) => issue.severity === 'error'))
      return page(reply, target, ctx, { texts, rows, issues, saved: true });
    return seeOther(request, reply, `${url(target)}?online=salvata`);
  });
}

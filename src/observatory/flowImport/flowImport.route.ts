import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SaveFlowDraft } from '../../../domain/observatory/fileMonthlyFlow.js';
import { flowStream, monthlyFlowDecider } from '../../../domain/observatory/monthlyFlowDecider.js';
import { monthlyFlowOf } from '../../../projections/observatory/wasteFlowQueries.js';
import type { ObservatoryDeps } from '../../deps.js';
import { handleCommand, readState } from '../../platform/eventStore/commandHandler.js';
import { paramsOf } from '../../platform/http/command.js';
import { contentDisposition } from '../../platform/http/contentDisposition.js';
import { safeFileName } from '../../platform/http/text.js';
import { seeOther } from '../../platform/http/views.js';
import type { MonthPage } from '../monthlyFlow.route.js';
import { observatoryContext, officerIstat, requireObservatory } from '../observatoryAccess.js';
import { readFlowFile } from './flowFile.js';
import { flowTemplateCsv, flowTemplateXlsx } from './flowTemplates.js';

const templateParams = z.object({ formato: z.enum(['csv', 'xlsx']) });
const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The form's one file, if a file was chosen: a text field of that name is none, and so is the
 * nameless, empty part a browser sends when no file was chosen.
 */
async function chosenFile(body: unknown): Promise<{ name: string; content: Buffer } | null> {
  const part = (body as Record<string, unknown> | undefined)?.file as
    Partial<MultipartFile> | undefined;
  if (part?.type !== 'file' || !part.toBuffer) return null;
  const content = await part.toBuffer();
  const name = typeof part.filename === 'string' ? part.filename : '';
  return name || content.length > 0 ? { name: safeFileName(name), content } : null;
}

/**
 * «Importa da file» on the month's page: a CSV or .xlsx with the form's columns becomes the
 * month's draft (the form's SaveFlowDraft, so the same event), shown in the form to check and
 * submit; a file with any problem changes nothing and the page lists them all. Registered in the
 * uploads' scope (multipart, hard limits); the template downloads with the month's rows in it.
 */
export function flowImportRoutes(app: FastifyInstance, deps: ObservatoryDeps, month: MonthPage) {
  const officers = { preHandler: requireObservatory(deps, 'officer') };

  app.get('/comune/:mese/modello/:formato', officers, async (request, reply) => {
    const mese = month.monthParam(request);
    const { formato } = paramsOf(templateParams, request);
    const istatCode = officerIstat(request);
    const { rows } = await monthlyFlowOf(deps.database.db, istatCode, mese);
    const body = formato === 'csv' ? flowTemplateCsv(rows) : await flowTemplateXlsx(rows);
    return reply
      .type(formato === 'csv' ? 'text/csv; charset=utf-8' : xlsxType)
      .header(
        'Content-Disposition',
        contentDisposition('attachment', `flussi-${istatCode}-${mese}.${formato}`),
      )
      .header('Cache-Control', 'no-store')
      .send(body);
  });

  app.post('/comune/:mese/importa', officers, async (request, reply) => {
    const mese = month.monthParam(request);
    const now = deps.clock();
    const command: SaveFlowDraft = {
      type: 'SaveFlowDraft',
      istatCode: officerIstat(request),
      month: mese,
      officerId: `cf:${request.identity!.fiscalCode}`,
      rows: [],
      now,
    };
    const streamId = flowStream.id(command.istatCode, mese);
    // Before the file is read: a month that takes no draft (sent, locked) is refused as the
    // form's own post is, with the decider's words.
    const { state } = await readState(deps.eventStore, monthlyFlowDecider, streamId);
    monthlyFlowDecider.decide(command, state);

    const file = await chosenFile(request.body);
    const reading = file
      ? await readFlowFile(file.name, file.content)
      : { ok: false as const, errors: ['Scegliere il file da importare (CSV o Excel .xlsx).'] };
    if (!reading.ok) {
      reply.code(422);
      return month.page(request, reply, { fileErrors: reading.errors });
    }
    // A new id each time: importing the same file twice saves the same draft twice, harmlessly.
    const context = observatoryContext(request, now, randomUUID());
    const result = await handleCommand(
      deps.eventStore,
      monthlyFlowDecider,
      streamId,
      { ...command, rows: reading.rows },
      context,
    );
    await deps.projections.waitFor(result.position);
    return seeOther(request, reply, `/osservatorio/comune/${mese}?esito=importato`);
  });
}

import type { FastifyInstance, FastifyReply } from 'fastify';
import { zipSync } from 'fflate';
import { z } from 'zod';
import { requireRole } from '../accounts/auth.js';
import type { DeclarationsDeps } from '../deps.js';
import { paramsOf } from '../platform/http/command.js';
import { contentDisposition } from '../platform/http/contentDisposition.js';
import { fileableDeclaration, type DeclarationTarget } from './declarationAccess.js';
import { renderPrivacyNote } from './pdf/privacyNote.js';
import { renderTariffNote } from './pdf/tariffNote.js';
import { templateContextOf } from './templateContextOf.js';
import {
  analysesTemplate,
  checklistTemplate,
  declarationTemplate,
  type TemplateContext,
} from './workbooks/index.js';

const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Template {
  readonly filename: (target: DeclarationTarget) => string;
  readonly contentType: string;
  readonly render: (
    target: DeclarationTarget,
    context: TemplateContext,
    utility: string,
  ) => Promise<Buffer>;
}

/** "Scaricamento dei modelli": each generated on request, prefilled with what the portal knows. */
const templates = {
  dichiarazione: {
    filename: (t) => `dichiarazione-${t.year}-${t.contractNumber}.xlsx`,
    contentType: xlsx,
    render: (_t, context) => declarationTemplate(context),
  },
  analisi: {
    filename: (t) => `analisi-chimiche-${t.year}-${t.contractNumber}.xlsx`,
    contentType: xlsx,
    render: (_t, context) => analysesTemplate(context),
  },
  checklist: {
    filename: (t) => `checklist-fattori-rischio-${t.year}-${t.contractNumber}.xlsx`,
    contentType: xlsx,
    render: (_t, context) => checklistTemplate(context),
  },
  formule: {
    filename: (t) => `nota-formula-tariffaria-${t.year}.pdf`,
    contentType: 'application/pdf',
    render: (t) => renderTariffNote(t.campaign.settings),
  },
  privacy: {
    filename: (t) => `informativa-privacy-${t.year}.pdf`,
    contentType: 'application/pdf',
    render: (t, _context, utilityName) => renderPrivacyNote({ year: t.year, utilityName }),
  },
} satisfies Record<string, Template>;

const templateParams = z.object({
  modello: z.enum(['tutti', ...(Object.keys(templates) as (keyof typeof templates)[])]),
});

const attachment = (reply: FastifyReply, filename: string, contentType: string, body: Buffer) =>
  reply
    .type(contentType)
    .header('Content-Disposition', contentDisposition('attachment', filename))
    .header('Cache-Control', 'no-store')
    .send(body);

export function templateRoutes(app: FastifyInstance, deps: DeclarationsDeps): void {
  const { db } = deps.database;
  const utilityName = deps.config.UTILITY_NAME;

  app.get(
    '/:anno/:contratto/modelli/:modello',
    { preHandler: requireRole('declarant') },
    async (request, reply) => {
      const target = await fileableDeclaration(deps, request);
      const context = await templateContextOf(db, target);
      const { modello } = paramsOf(templateParams, request);
      if (modello === 'tutti') {
        const files = await Promise.all(
          Object.values(templates).map(
            async (template) =>
              [
                template.filename(target),
                new Uint8Array(await template.render(target, context, utilityName)),
              ] as const,
          ),
        );
        const zip = Buffer.from(zipSync(Object.fromEntries(files), { level: 6 }));
        return attachment(
          reply,
          `modelli-${target.year}-${target.contractNumber}.zip`,
          'application/zip',
          zip,
        );
      }
      const template = templates[modello];
      const body = await template.render(target, context, utilityName);
      return attachment(reply, template.filename(target), template.contentType, body);
    },
  );
}

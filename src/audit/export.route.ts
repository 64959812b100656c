import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.js';
import { parseForm } from '../http/forms.js';
import { requireAuditReader } from './auditAccess.js';
import { exportArchive } from './exportArchive.js';
import { eventTypes } from './historySearch.js';
import {
  historySearchSchema,
  toHistorySearch,
  type HistorySearchForm,
} from './historySearch.schema.js';
import { streamKinds } from './streamKinds.js';

/** The filters of the history search, kept in the manifest as the auditor typed them. */
const filterFields = [
  'flusso',
  'corrispondenza',
  'tipo',
  'attore',
  'correlazione',
  'dal',
  'al',
] as const;

/**
 * /revisione/esporta: a stream or a search of the history (the same filters, the same query) as a
 * zip of JSON Lines, CSV and a manifest a third party checks offline. Downloading changes nothing:
 * a GET form, as the search.
 */
export function exportRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.database;
  const readers = { preHandler: requireAuditReader };

  const page = async (values: Record<string, unknown>, errors: Record<string, string> = {}) => ({
    title: 'Esporta gli eventi',
    types: await eventTypes(db),
    prefixes: streamKinds.map((kind) => ({ value: kind.prefix, label: kind.label })),
    values,
    errors,
  });

  app.get('/revisione/esporta', readers, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const form = parseForm(historySearchSchema, query);
    return reply.view('audit/export', await page(form.ok ? form.data : query));
  });

  app.get('/revisione/esporta/eventi.zip', readers, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const form = parseForm(historySearchSchema, query);
    if (!form.ok) return reply.code(422).view('audit/export', await page(query, form.errors));
    const account = request.account!;
    const generatedAt = deps.clock();
    const archive = exportArchive(
      { db, store: deps.eventStore },
      {
        filter: toHistorySearch(form.data).filter,
        form: filledFields(form.data),
        generatedBy: { accountId: account.accountId, name: account.fullName, role: account.role },
        generatedAt,
      },
    );
    archive.on('error', (error) => request.log.error({ err: error }, 'Export interrupted'));
    return reply
      .type('application/zip')
      .header('Content-Disposition', `attachment; filename="${fileName(generatedAt)}"`)
      .header('Cache-Control', 'no-store')
      .send(archive);
  });
}

function filledFields(form: HistorySearchForm): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of filterFields) if (form[name]) fields[name] = form[name];
  return fields;
}

/** dichiara-eventi-20261123-101500.zip, in UTC as the manifest's times. */
const fileName = (at: Date): string =>
  `dichiara-eventi-${at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.zip`;

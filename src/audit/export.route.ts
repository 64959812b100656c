import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { commandContext } from '../accounts/auth.js';
import type { AuditDeps } from '../deps.js';
import { contentDisposition } from '../platform/http/contentDisposition.js';
import { queryOf } from '../platform/http/command.js';
import { parseForm } from '../platform/http/forms.js';
import { requireAuditReader } from './auditAccess.js';
import { auditLogOf } from './auditLog.js';
import { eventTypeLabel } from './eventTypeLabels.js';
import { exportArchive } from './exportArchive.js';
import { exportsStream, recentExports, recordExport, type ExportFilters } from './exportRecord.js';
import { resolveFilters } from './history.route.js';
import { actorNames, eventTypes } from './historySearch.js';
import {
  historySearchSchema,
  rawQuery,
  searchFields,
  toHistorySearch,
  type HistorySearchForm,
} from './historySearch.schema.js';
import { romeDisplay } from './historyTime.js';
import { streamKinds } from './streamKinds.js';
import { actorLabel, timelineHref } from './timelineView.js';

/**
 * /revisione/esporta: a stream or a search of the history (the same filters, the same query) as a
 * zip of JSON Lines, CSV, the events' proofs in the signed Merkle tree and a manifest a third
 * party checks offline. Downloading changes nothing in the record but the EventsExported event
 * saying who took which events out (or EventsExportFailed): a GET form, as the search, and open
 * to every reader of the section.
 */
export function exportRoutes(app: FastifyInstance, deps: AuditDeps): void {
  const { db } = deps.database;
  const log = auditLogOf(deps.eventStore);
  const readers = { preHandler: requireAuditReader };

  const page = async (values: Record<string, unknown>, errors: Record<string, string> = {}) => {
    const recent = await recentExports(deps.eventStore, 10);
    const names = await actorNames(
      db,
      recent.map((entry) => entry.actor.id),
    );
    return {
      title: 'Esporta gli eventi',
      types: await eventTypes(db, log),
      typeLabel: eventTypeLabel,
      prefixes: streamKinds.map((kind) => ({ value: kind.prefix, label: kind.label })),
      values,
      errors,
      recent: recent.map((entry) => ({
        ...entry,
        at: romeDisplay(entry.at),
        actor: actorLabel(entry.actor, names),
        filters: filtersText(entry.filters),
        href: timelineHref(exportsStream.id(), entry.version),
      })),
    };
  };

  app.get('/esporta', readers, async (request, reply) => {
    const query = queryOf(rawQuery, request);
    const form = parseForm(historySearchSchema, query);
    return reply.view('audit/export', await page(form.ok ? form.data : query));
  });

  app.get('/esporta/eventi.zip', readers, async (request, reply) => {
    const query = queryOf(rawQuery, request);
    const form = parseForm(historySearchSchema, query);
    if (!form.ok) return reply.code(422).view('audit/export', await page(query, form.errors));
    const account = request.account!;
    const generatedAt = deps.clock();
    const exportId = randomUUID();
    const context = commandContext(request, generatedAt, exportId);
    const resolved = await resolveFilters(db, form.data);
    const archive = exportArchive(
      { db, store: deps.eventStore, log, sealPublicKey: deps.sealPublicKey },
      {
        exportId,
        filter: toHistorySearch(form.data, resolved).filter,
        form: filledFields(form.data),
        generatedBy: { accountId: account.accountId, name: account.fullName, role: account.role },
        generatedAt,
      },
      {
        exported: (data) =>
          recordExport(deps.eventStore, { type: 'EventsExported', data }, context),
        failed: (data) =>
          recordExport(
            deps.eventStore,
            { type: 'EventsExportFailed', data },
            { ...context, now: deps.clock() },
          ),
      },
    );
    archive.on('error', (error) => request.log.error({ err: error }, 'Export interrupted'));
    return reply
      .type('application/zip')
      .header('Content-Disposition', contentDisposition('attachment', fileName(generatedAt)))
      .header('Cache-Control', 'no-store')
      .send(archive);
  });
}

function filledFields(form: HistorySearchForm): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of searchFields) if (form[name]) fields[name] = form[name];
  return fields;
}

/** "flusso=contract-3001234567, tipo=ContractDeclared"; "tutto l'archivio" without filters. */
function filtersText(filters: ExportFilters): string {
  const defaults: Record<string, string> = { corrispondenza: 'esatta', periodo: 'avvenuto' };
  // In the form's order: the stored event's keys may come back in any order.
  const order = (name: string) => (searchFields as readonly string[]).indexOf(name);
  const shown = Object.entries(filters.form)
    .filter(([name, value]) => defaults[name] !== value)
    .sort(([a], [b]) => order(a) - order(b));
  return shown.length === 0
    ? 'tutto l’archivio'
    : shown.map(([name, value]) => `${name}=${value}`).join(', ');
}

/** dichiara-eventi-20261123-101500.zip, in UTC as the manifest's times. */
const fileName = (at: Date): string =>
  `dichiara-eventi-${at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.zip`;

import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { DomainError } from '../../domain/shared/domainError.js';
import type { AreaDeps } from '../deps.js';
import type { Schema } from '../platform/db/schema.js';
import { paramsOf, queryOf } from '../platform/http/command.js';
import { parseForm } from '../platform/http/forms.js';
import { requireAuditReader } from './auditAccess.js';
import { auditLogOf, eventPlace } from './auditLog.js';
import { eventTypeLabel } from './eventTypeLabels.js';
import { resolveActors, resolveReference } from './historyFilters.js';
import { actorNames, eventTypes, searchHistory, type HistoryRow } from './historySearch.js';
import {
  formatCursor,
  historySearchSchema,
  rawQuery,
  searchUrl,
  toHistorySearch,
  type HistorySearchForm,
  type ResolvedFilters,
} from './historySearch.schema.js';
import { romeDisplay } from './historyTime.js';
import { streamKinds } from './streamKinds.js';
import { actorLabel, roleLabels, searchHref, timelineHref } from './timelineView.js';
import { lookUpNames, type AuditNames } from './auditNames.js';
import { streamSubjectOf, subjectOf } from './streamSubject.js';

const eventParams = z.object({ eventId: z.uuid() });

/** One result row: when, which stream (linked to its timeline), what, who and from where. */
function rowView(
  row: HistoryRow,
  names: ReadonlyMap<string, string>,
  subjects: AuditNames,
  form: HistorySearchForm,
) {
  const { metadata } = row;
  return {
    subject: subjectOf(row.streamId, subjects)?.label ?? null,
    recordedAt: romeDisplay(metadata.recordedAt),
    recordedIso: metadata.recordedAt,
    occurredAt: romeDisplay(metadata.occurredAt),
    streamId: row.streamId,
    streamHref: timelineHref(row.streamId, row.version),
    version: row.version,
    type: row.type,
    typeLabel: eventTypeLabel(row.type),
    typeHref: searchUrl({ ...form, tipo: row.type }),
    actor: actorLabel(metadata.actor, names),
    actorHref: searchHref({ attore: metadata.actor.id }),
    role: roleLabels[metadata.actor.role] ?? metadata.actor.role,
    ip: metadata.clientIp,
  };
}

/** The author and the reference of a search, looked up in the read models (none when empty). */
export async function resolveFilters(
  db: Kysely<Schema>,
  form: Pick<HistorySearchForm, 'attore' | 'riferimento'>,
): Promise<ResolvedFilters> {
  const [actors, reference] = await Promise.all([
    resolveActors(db, form.attore),
    resolveReference(db, form.riferimento),
  ]);
  return { actors, reference };
}

/** What the page says it understood the author and the reference as (null: not asked). */
function understood(form: HistorySearchForm, resolved: ResolvedFilters) {
  return {
    actors: form.attore
      ? resolved.actors.filter((actor) => actor.label !== actor.id).map((actor) => actor.label)
      : null,
    reference: form.riferimento ? (resolved.reference?.found ?? '') : null,
  };
}

/** "Cronologia": the whole log searched and paged, and a permanent link to any event. */
export function historyRoutes(app: FastifyInstance, deps: AreaDeps): void {
  const { db } = deps.database;
  const log = auditLogOf(deps.eventStore);

  // '' is the area's prefix itself, /revisione (see index.ts).
  app.get('', { preHandler: requireAuditReader }, async (request, reply) => {
    const query = queryOf(rawQuery, request);
    const form = parseForm(historySearchSchema, query);
    const resolved = form.ok ? await resolveFilters(db, form.data) : null;
    const search = form.ok && resolved ? toHistorySearch(form.data, resolved) : null;
    const [types, page] = await Promise.all([
      eventTypes(db, log),
      search ? searchHistory(db, log, search) : null,
    ]);
    const common = {
      title: 'Cronologia degli eventi',
      types,
      typeLabel: eventTypeLabel,
      prefixes: streamKinds.map((kind) => ({ value: kind.prefix, label: kind.label })),
    };
    if (!form.ok || !search || !page || !resolved) {
      return reply.code(422).view('audit/search', {
        ...common,
        values: query,
        errors: form.ok ? {} : form.errors,
        rows: null,
      });
    }
    const names = await actorNames(
      db,
      page.rows.map((row) => row.metadata.actor.id),
    );
    // Each row's stream by its subject's name (a contract, a company, a person): one lookup.
    const subjects = await lookUpNames(
      db,
      page.rows.map((row) => streamSubjectOf(row.streamId)),
    );
    return reply.view('audit/search', {
      ...common,
      values: form.data,
      errors: {},
      understood: understood(form.data, resolved),
      filtered: Object.values(search.filter).some(
        (value) => value !== undefined && value !== false,
      ),
      rows: page.rows.map((row) => rowView(row, names, subjects, form.data)),
      orderedBy: page.orderedBy,
      nextHref: page.next ? searchUrl(form.data, { dopo: formatCursor(page.next) }) : null,
      previousHref: page.previous
        ? searchUrl(form.data, { prima: formatCursor(page.previous) })
        : null,
      firstHref: page.previous ? searchUrl(form.data) : null,
      paged: !!(search.after ?? search.before),
    });
  });

  // Causation and correlation links name events by id: this finds the page that shows one.
  app.get('/evento/:eventId', { preHandler: requireAuditReader }, async (request, reply) => {
    const event = await eventPlace(db, log, paramsOf(eventParams, request).eventId);
    if (!event) throw new DomainError('EventUnknown', 'not-found', 'Evento non trovato.');
    return reply.redirect(timelineHref(event.streamId, event.version), 303);
  });
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/shared/domainError.js';
import type { AreaDeps } from '../deps.js';
import { paramsOf, queryOf } from '../platform/http/command.js';
import { eventDataHtml } from './eventDataHtml.js';
import { requireAuditReader } from './auditAccess.js';
import { lastValue } from './historySearch.schema.js';
import { streamKindOf, streamTitle } from './streamKinds.js';
import { loadTimeline } from './timeline.js';
import { declarationVersionsOf } from './declarationVersions.js';
import { reviewOutcomeLabels } from '../../domain/declarations/reviewDeclaration.js';
import { lookUpNames } from './auditNames.js';
import { streamSubjectOf, subjectOf } from './streamSubject.js';
import { searchHref, stateHref, timelineHref, timelineView } from './timelineView.js';

export const streamParams = z.object({ streamId: z.string().min(1).max(300) });

const pageQuery = z
  .object({
    da: z.preprocess(
      (value) => lastValue(value) || undefined,
      z.coerce.number().int().min(1).max(2_000_000_000).default(1),
    ),
  })
  .catch({ da: 1 });

/** A stream's timeline: every event, readable and raw, with its links and its chain status. */
export function timelineRoutes(app: FastifyInstance, deps: AreaDeps): void {
  app.get('/stream/:streamId', { preHandler: requireAuditReader }, async (request, reply) => {
    const timeline = await loadTimeline(
      { db: deps.database.db, store: deps.eventStore },
      paramsOf(streamParams, request).streamId,
      queryOf(pageQuery, request).da,
    );
    if (!timeline) throw new DomainError('StreamUnknown', 'not-found', 'Flusso non trovato.');
    const { streamId } = timeline;
    // The ids in the page's events, its own subject and the streams it links to, by their names.
    const links = [
      ...timeline.causes.values(),
      ...[...timeline.consequences.values()].flat(),
      ...[...timeline.sameRequest.values()].flat(),
    ];
    const names = await lookUpNames(deps.database.db, [
      ...timeline.entries.map((entry) => entry.event?.data),
      streamSubjectOf(streamId),
      ...links.map((link) => streamSubjectOf(link.streamId)),
    ]);
    const view = timelineView(timeline, (id) => subjectOf(id, names)?.label ?? id);
    return reply.view('audit/timeline', {
      declarations: await declarationVersionsOf(deps.eventStore, streamId),
      reviewLabels: reviewOutcomeLabels,
      timelineHref,
      dataHtml: eventDataHtml,
      title: `Cronologia · ${streamTitle(streamId)}`,
      streamId,
      kindLabel: streamKindOf(streamId).label,
      replayable: streamKindOf(streamId).replayer !== null,
      stateHref: stateHref(streamId),
      names,
      subject: subjectOf(streamId, names),
      searchHref: searchHref({ flusso: streamId }),
      version: timeline.version,
      from: timeline.from,
      to: timeline.to,
      headMatches: timeline.headMatches,
      ...view,
    });
  });
}

import type { FastifyInstance } from 'fastify';
import type { ObservatoryDeps } from '../deps.js';
import { seeOther } from '../platform/http/views.js';
import { observatoryRole } from './observatoryAccess.js';

/**
 * "Osservatorio Rifiuti": the entry page. A digital identity goes to its own pages; one whose
 * fiscal code is not associated reads how to ask for it (the seed's support instructions). Both
 * link the manual (/osservatorio/manuale) where the seed does; the visitor's, the video tutorial.
 */
export function observatoryHomeRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  // '' is the area's prefix itself, /osservatorio (see index.ts).
  app.get('', async (request, reply) => {
    const identity = request.identity;
    if (!identity) {
      return reply.view('observatory/home', {
        title: 'Osservatorio Rifiuti',
        videoUrl: deps.config.OBSERVATORY_VIDEO_URL,
      });
    }
    const role = observatoryRole(request);
    if (role?.kind === 'officer') return seeOther(request, reply, '/osservatorio/comune');
    if (role?.kind === 'admin') return seeOther(request, reply, '/osservatorio/admin');
    return reply.view('observatory/notAssociated', {
      title: 'Utenza non associata',
      identity,
      supportEmail: deps.config.OBSERVATORY_SUPPORT_EMAIL,
    });
  });
}

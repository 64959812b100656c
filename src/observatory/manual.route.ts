import type { FastifyInstance } from 'fastify';
import type { ObservatoryDeps } from '../deps.js';
import { observatoryPrefix } from './identity/requestIdentity.js';

/** The route of the manual within the area, and the address the pages link to. */
export const manualRoute = '/manuale';
export const manualPath = `${observatoryPrefix}${manualRoute}`;

/**
 * The manual's sections, in order: the anchor each one's h2 carries and its title. The page's
 * index and headings are both drawn from this list, so a link of the index always has its target;
 * other pages link a section as `${manualPath}#${id}`.
 */
export const manualSections = [
  { id: 'accesso', title: 'Accesso con SPID o CIE' },
  { id: 'compilare', title: 'Compilare il mese' },
  { id: 'importare', title: 'Importare da file' },
  { id: 'accesso-software', title: 'Accesso per software' },
  { id: 'sblocco', title: 'Chiedere uno sblocco' },
  { id: 'piu-comuni', title: 'Più comuni' },
  { id: 'deleghe', title: 'Delegare al gestore della raccolta' },
  { id: 'validazione', title: 'Validazione annuale della Regione' },
  { id: 'dati-aperti', title: 'Dati aperti' },
] as const;

export type ManualSectionId = (typeof manualSections)[number]['id'];

/**
 * «Manuale per i comuni»: how a municipality logs in, fills, imports, asks for an unlock and
 * delegates (the seed's «manuali utenti»). Public: it is read before the first login too.
 */
export function manualRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  app.get(manualRoute, async (_request, reply) =>
    reply.view('observatory/manual', {
      title: 'Manuale per i comuni',
      sections: manualSections,
      supportEmail: deps.config.OBSERVATORY_SUPPORT_EMAIL,
      videoUrl: deps.config.OBSERVATORY_VIDEO_URL,
    }),
  );
}

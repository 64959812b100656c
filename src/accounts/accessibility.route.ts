import type { FastifyInstance } from 'fastify';
import type { AccountsDeps } from '../deps.js';

/** When the statement was drawn up and last reviewed: a fact of the text, not of the clock. */
export const accessibilityStatement = { drawnUpOn: '2026-12-06', reviewedOn: '2026-12-06' };

/**
 * The accessibility statement (AgID's model, L. 4/2004 and D.Lgs. 106/2018): how far the portal
 * conforms, what is not accessible yet, where to report it, and the appeal to the Difensore
 * civico per il digitale. Linked from every page's footer.
 */
export function accessibilityRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  app.get('/accessibilita', async (_request, reply) =>
    reply.view('accounts/accessibility', {
      title: 'Dichiarazione di accessibilità',
      utilityName: deps.config.UTILITY_NAME,
      feedbackEmail: deps.config.ACCESSIBILITY_EMAIL,
      ...accessibilityStatement,
    }),
  );
}

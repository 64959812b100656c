import type { FastifyInstance } from 'fastify';
import { renderError } from './errorPages.js';
import { textProblem } from './text.js';

const values = (source: unknown): unknown[] =>
  source && typeof source === 'object' ? Object.values(source).flat() : [];

/**
 * Before any route reads them: a path parameter or query value holding a control, bidi or broken
 * character (no link of ours makes one) is a 400, so no such byte reaches a query or a command
 * even where a route's schema would let it through.
 */
export function refuseHostileUrls(app: FastifyInstance): void {
  app.addHook('preValidation', async (request, reply) => {
    const hostile = [...values(request.params), ...values(request.query)].some(
      (value) => typeof value === 'string' && textProblem(value) !== null,
    );
    if (hostile)
      return renderError(
        request,
        reply,
        400,
        'L’indirizzo della pagina contiene caratteri non ammessi: controllare il link.',
      );
  });
}

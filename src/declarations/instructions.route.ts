import type { FastifyInstance } from 'fastify';

/** The help page: the seed's explanations of the declaration, public, at /istruzioni. */
export function instructionsRoutes(app: FastifyInstance): void {
  app.get('/istruzioni', async (_request, reply) =>
    reply.view('declarations/instructions', { title: 'Istruzioni per la compilazione' }),
  );
}

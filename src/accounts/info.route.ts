import type { FastifyInstance } from 'fastify';

/** The help page (the seed's explanations) and the privacy notice. */
export function infoRoutes(app: FastifyInstance): void {
  app.get('/istruzioni', async (_request, reply) =>
    reply.view('declarations/instructions', { title: 'Istruzioni per la compilazione' }),
  );
  app.get('/privacy', async (_request, reply) =>
    reply.view('accounts/privacy', { title: 'Informativa privacy' }),
  );
}

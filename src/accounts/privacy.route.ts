import type { FastifyInstance } from 'fastify';

/** The privacy notice: what the portal keeps of the people who register, and why. */
export function privacyRoutes(app: FastifyInstance): void {
  app.get('/privacy', async (_request, reply) =>
    reply.view('accounts/privacy', { title: 'Informativa privacy' }),
  );
}

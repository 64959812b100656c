import type { FastifyInstance } from 'fastify';

export function homeRoutes(app: FastifyInstance): void {
  app.get('/', async (_request, reply) => reply.view('accounts/home', { title: 'Dichiara' }));
  app.get('/favicon.ico', async (_request, reply) =>
    reply.redirect('/assets/app/favicon.svg', 301),
  );
}

import type { FastifyInstance } from 'fastify';
import { requireRole } from '../accounts/auth.js';

/** "Home page area riservata": MODIFICA PROFILO, LOGOUT, DICHIARAZIONI ANNUALI. */
export function reservedAreaRoutes(app: FastifyInstance): void {
  app.get('/area-riservata', { preHandler: requireRole('declarant') }, async (request, reply) =>
    reply.view('reservedArea/home', { title: 'Area riservata', me: request.account }),
  );
  app.get('/dichiarazioni', { preHandler: requireRole('declarant') }, async (_request, reply) =>
    reply.view('reservedArea/declarations', { title: 'Dichiarazioni annuali' }),
  );
}

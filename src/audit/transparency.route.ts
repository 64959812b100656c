import type { FastifyInstance } from 'fastify';
import { latestTreeHead } from '../../projections/audit/treeHeads.js';
import type { AuditDeps } from '../deps.js';
import { headText } from '../platform/transparency/treeHead.js';

/**
 * «Trasparenza», public: the newest signed head of the log's Merkle tree and the key that signs
 * the heads, so anyone holding a head (a receipt) can check it without trusting the portal.
 */
export function transparencyRoutes(app: FastifyInstance, deps: AuditDeps): void {
  const publicKeyPem = deps.sealPublicKey.export({ type: 'spki', format: 'pem' }).toString();

  app.get('/trasparenza', async (_request, reply) => {
    const head = await latestTreeHead(deps.database.db);
    return reply.view('audit/transparency', {
      title: 'Trasparenza del registro',
      head: head && {
        ...head,
        root: head.root.toString('hex'),
        text: headText(head),
      },
      publicKeyPem,
    });
  });

  app.get('/trasparenza/chiave', async (_request, reply) =>
    reply
      .type('application/x-pem-file; charset=utf-8')
      .header('content-disposition', 'inline; filename="dichiara-chiave-pubblica.pem"')
      .send(publicKeyPem),
  );
}

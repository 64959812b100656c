import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { latestTreeHead } from '../../projections/audit/treeHeads.js';
import { auditLogOf } from './auditLog.js';
import { consistencyAnswer, inclusionAnswer, type ProofAnswer } from './logProofs.js';
import type { AuditDeps } from '../deps.js';
import { headText } from '../platform/transparency/treeHead.js';

const size = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const inclusionQuery = z.object({ evento: z.uuid(), dimensione: size.optional() });
const consistencyQuery = z.object({ da: size, a: size });

const refuse = (reply: FastifyReply, status: number, errore: string) =>
  reply.code(status).send({ errore });

const answer = (reply: FastifyReply, proof: ProofAnswer) =>
  proof.ok ? reply.send(proof.json) : refuse(reply, proof.status, proof.errore);

/**
 * «Trasparenza», public: the newest signed head of the log's Merkle tree and the key that signs
 * the heads, so anyone holding a head (a receipt) can check it without trusting the portal; and,
 * as JSON, the proofs: that an event is in the signed tree, and that a smaller tree is a prefix of
 * a larger one (RFC 9162).
 */
export function transparencyRoutes(app: FastifyInstance, deps: AuditDeps): void {
  const { db } = deps.database;
  const log = auditLogOf(deps.eventStore);
  const publicKeyPem = deps.sealPublicKey.export({ type: 'spki', format: 'pem' }).toString();

  app.get('/trasparenza', async (_request, reply) => {
    const head = await latestTreeHead(db);
    return reply.view('audit/transparency', {
      title: 'Trasparenza del registro',
      head: head && { ...head, root: head.root.toString('hex'), text: headText(head) },
      publicKeyPem,
    });
  });

  app.get('/trasparenza/chiave', async (_request, reply) =>
    reply
      .type('application/x-pem-file; charset=utf-8')
      .header('content-disposition', 'inline; filename="dichiara-chiave-pubblica.pem"')
      .send(publicKeyPem),
  );

  app.get('/trasparenza/inclusione', async (request, reply) => {
    const query = inclusionQuery.safeParse(request.query);
    if (!query.success)
      return refuse(reply, 400, 'Indicare evento (un id) e, se serve, dimensione.');
    return answer(reply, await inclusionAnswer(db, log, query.data.evento, query.data.dimensione));
  });

  app.get('/trasparenza/coerenza', async (request, reply) => {
    const query = consistencyQuery.safeParse(request.query);
    if (!query.success || query.data.da > query.data.a)
      return refuse(reply, 400, 'Indicare da e a, due dimensioni con da non maggiore di a.');
    return answer(reply, await consistencyAnswer(db, query.data.da, query.data.a));
  });
}

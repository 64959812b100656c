import type { Kysely } from 'kysely';
import { storedTree } from '../../projections/audit/merkleTree.js';
import { latestTreeHead } from '../../projections/audit/treeHeads.js';
import type { Schema } from '../platform/db/schema.js';
import { headJson, inclusionJson } from '../platform/transparency/publishedJson.js';
import type { AuditLog } from './auditLog.js';
import { inclusionAt } from './inclusionReceipt.js';

/** A proof as JSON, or why there is none (the status a page answers with, and the message). */
export type ProofAnswer =
  | { readonly ok: true; readonly json: object }
  | { readonly ok: false; readonly status: 404; readonly errore: string };

const noHead: ProofAnswer = {
  ok: false,
  status: 404,
  errore: 'Non c’è ancora una testa firmata di questa dimensione.',
};

/**
 * That an event is in the signed tree of `size` leaves (by default the newest head's), with the
 * newest head: what /trasparenza/inclusione and `log:prove --evento` answer.
 */
export async function inclusionAnswer(
  db: Kysely<Schema>,
  log: AuditLog,
  eventId: string,
  size?: number,
): Promise<ProofAnswer> {
  const head = await latestTreeHead(db);
  const treeSize = size ?? head?.size ?? 0;
  if (!head || treeSize > head.size) return noHead;
  const inclusion = await inclusionAt(db, log, eventId, treeSize);
  if (!inclusion)
    return {
      ok: false,
      status: 404,
      errore: 'L’evento non è (ancora) in un albero firmato: riprovare tra un minuto.',
    };
  return { ok: true, json: inclusionJson(inclusion, treeSize, head) };
}

/**
 * That the tree of `from` leaves is a prefix of the tree of `to` leaves, both no larger than the
 * newest head: what /trasparenza/coerenza and `log:prove --da --a` answer.
 */
export async function consistencyAnswer(
  db: Kysely<Schema>,
  from: number,
  to: number,
): Promise<ProofAnswer> {
  const head = await latestTreeHead(db);
  if (!head || to > head.size) return noHead;
  const tree = storedTree(db);
  return {
    ok: true,
    json: {
      da: from,
      a: to,
      radiceDa: (await tree.root(from)).toString('hex'),
      radiceA: (await tree.root(to)).toString('hex'),
      prova: (await tree.consistencyProof(from, to)).map((hash) => hash.toString('hex')),
      testa: headJson(head),
    },
  };
}

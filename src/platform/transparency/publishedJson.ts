import type { InclusionReceipt } from '../../../domain/audit/treeHeads.js';
import { headText, type SignedTreeHead } from './treeHead.js';

/*
 * Heads and receipts as the portal publishes them — /trasparenza, the receipts attached to the
 * mails, the export — in Italian keys, hex hashes, with the exact text that was signed.
 */

export const headJson = (head: SignedTreeHead) => ({
  origine: head.origin,
  dimensione: head.size,
  radice: head.root.toString('hex'),
  firmataIl: head.signedAt,
  firma: head.signature,
  testo: headText(head),
});

/** The answer of /trasparenza/inclusione and the JSON file of a receipt. */
export const receiptJson = (receipt: InclusionReceipt) => ({
  evento: receipt.eventId,
  foglia: receipt.leaf,
  hashFoglia: receipt.leafHash,
  dimensione: receipt.head.size,
  prova: receipt.proof,
  testa: headJson({ ...receipt.head, root: Buffer.from(receipt.head.root, 'hex') }),
});

/** The receipt as a mail attachment: the same JSON, indented. */
export const receiptFile = (receipt: InclusionReceipt, filename: string) => ({
  filename,
  contentType: 'application/json',
  content: Buffer.from(`${JSON.stringify(receiptJson(receipt), null, 2)}\n`),
});

import type { InclusionReceipt } from '../../../domain/audit/treeHeads.js';
import { z } from 'zod';
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

/**
 * That an event is in the tree of `size` leaves, with a signed head (the one of that size, in a
 * receipt): the answer of /trasparenza/inclusione and the JSON file of a receipt.
 */
export const inclusionJson = (
  inclusion: Omit<InclusionReceipt, 'head'>,
  size: number,
  head: SignedTreeHead,
) => ({
  evento: inclusion.eventId,
  foglia: inclusion.leaf,
  hashFoglia: inclusion.leafHash,
  dimensione: size,
  prova: inclusion.proof,
  testa: headJson(head),
});

export const receiptJson = (receipt: InclusionReceipt) =>
  inclusionJson(receipt, receipt.head.size, {
    ...receipt.head,
    root: Buffer.from(receipt.head.root, 'hex'),
  });

/** The receipt as a mail attachment: the same JSON, indented. */
export const receiptFile = (receipt: InclusionReceipt, filename: string) => ({
  filename,
  contentType: 'application/json',
  content: Buffer.from(`${JSON.stringify(receiptJson(receipt), null, 2)}\n`),
});

/** A head as /trasparenza gives it (alone, or inside a proof's answer as `testa`). */
const headSchema = z.object({
  origine: z.string().min(1).max(200),
  dimensione: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  radice: z.string().regex(/^[0-9a-f]{64}$/),
  firmataIl: z.iso.datetime(),
  firma: z.string().max(200),
});
export const headFileSchema = z
  .union([headSchema, z.object({ testa: headSchema })])
  .transform((file): SignedTreeHead => {
    const head = 'testa' in file ? file.testa : file;
    return {
      origin: head.origine,
      size: head.dimensione,
      root: Buffer.from(head.radice, 'hex'),
      signedAt: head.firmataIl,
      signature: head.firma,
    };
  });

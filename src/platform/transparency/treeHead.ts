import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Hash } from './merkle.js';

/*
 * A signed tree head: the size of the log's Merkle tree, its root and when, signed with Ed25519
 * by a key kept outside the database. Its text is a checkpoint in the manner of C2SP's
 * tlog-checkpoint (origin, size, base64 root, then the time) — plain lines anyone can read, sign
 * and check with any Ed25519 tool; the signature covers those bytes exactly.
 */

export interface TreeHead {
  /** Which log: the portal's origin line, the same in every head it signs. */
  readonly origin: string;
  readonly size: number;
  readonly root: Hash;
  /** ISO 8601, UTC. */
  readonly signedAt: string;
}

export interface SignedTreeHead extends TreeHead {
  /** Ed25519 over `headText(head)`, base64. */
  readonly signature: string;
}

/** The bytes that are signed: four lines, each ending in a newline. */
export function headText(head: TreeHead): string {
  if (/[\n\r]/.test(head.origin)) throw new Error('The origin of a tree head is one line');
  return `${head.origin}\n${head.size}\n${head.root.toString('base64')}\n${head.signedAt}\n`;
}

export function signHead(head: TreeHead, privateKey: KeyObject): SignedTreeHead {
  const signature = sign(null, Buffer.from(headText(head)), privateKey).toString('base64');
  return { ...head, signature };
}

/** Whether the head was signed by this key, as it reads; false for anything malformed. */
export function verifyHead(head: SignedTreeHead, publicKey: KeyObject): boolean {
  try {
    const signature = Buffer.from(head.signature, 'base64');
    if (signature.length !== 64 || head.root.length !== 32) return false;
    return verify(null, Buffer.from(headText(head)), publicKey, signature);
  } catch {
    return false;
  }
}

export interface SealKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** The signing key from its PEM (PKCS#8), refused unless it is an Ed25519 private key. */
export function sealKeyFrom(pem: string): SealKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`SEAL_PRIVATE_KEY must be an Ed25519 key, not ${privateKey.asymmetricKeyType}`);
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

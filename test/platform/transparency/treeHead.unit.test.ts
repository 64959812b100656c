import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHash } from '../../../src/platform/transparency/merkle.js';
import {
  headText,
  sealKeyFrom,
  signHead,
  verifyHead,
} from '../../../src/platform/transparency/treeHead.js';

describe('signed tree heads', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = sealKeyFrom(pem);
  const head = {
    origin: 'Dichiara – registro eventi',
    size: 1234,
    root: leafHash(Buffer.from('radice')),
    signedAt: '2026-12-04T10:00:00.000Z',
  };

  it('signs four plain lines: origin, size, base64 root, time', () => {
    expect(headText(head)).toBe(
      `Dichiara – registro eventi\n1234\n${head.root.toString('base64')}\n2026-12-04T10:00:00.000Z\n`,
    );
    const signed = signHead(head, key.privateKey);
    expect(Buffer.from(signed.signature, 'base64')).toHaveLength(64);
    expect(verifyHead(signed, key.publicKey)).toBe(true);
  });

  it('refuses a head changed in any part, another key, or a broken signature', () => {
    const signed = signHead(head, key.privateKey);
    expect(verifyHead({ ...signed, size: 1235 }, key.publicKey)).toBe(false);
    expect(verifyHead({ ...signed, root: leafHash(Buffer.from('altra')) }, key.publicKey)).toBe(
      false,
    );
    expect(verifyHead({ ...signed, signedAt: '2026-12-04T10:00:01.000Z' }, key.publicKey)).toBe(
      false,
    );
    const other = generateKeyPairSync('ed25519').publicKey;
    expect(verifyHead(signed, other)).toBe(false);
    expect(verifyHead({ ...signed, signature: 'non-base64!' }, key.publicKey)).toBe(false);
    expect(verifyHead({ ...signed, signature: '' }, key.publicKey)).toBe(false);
  });

  it('takes only an Ed25519 private key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(() => sealKeyFrom(rsa.export({ type: 'pkcs8', format: 'pem' }).toString())).toThrow(
      'Ed25519',
    );
    expect(() => sealKeyFrom('non è una chiave')).toThrow();
    expect(() => headText({ ...head, origin: 'due\nrighe' })).toThrow();
  });
});

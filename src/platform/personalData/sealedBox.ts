import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const nonceBytes = 12;
const tagBytes = 16;

/** AES-256-GCM: nonce ‖ ciphertext ‖ tag, `context` bound as additional data. */
export function encrypt(key: Buffer, plain: Buffer, context: string): Buffer {
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(Buffer.from(context));
  return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** The plain bytes, or null when the box was not sealed by this key for this context. */
export function decrypt(key: Buffer, box: Buffer, context: string): Buffer | null {
  if (box.length < nonceBytes + tagBytes) return null;
  const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, nonceBytes))
    .setAAD(Buffer.from(context))
    .setAuthTag(box.subarray(box.length - tagBytes));
  try {
    return Buffer.concat([
      decipher.update(box.subarray(nonceBytes, box.length - tagBytes)),
      decipher.final(),
    ]);
  } catch {
    return null;
  }
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (PRODUCT.md "Security and data": installation tokens are encrypted): AES-256-GCM
 * with a random 96-bit nonce per message and the 128-bit tag stored with it.
 *
 * Layout: `version (1 byte) | nonce (12) | tag (16) | ciphertext`. `context` is bound as
 * additional authenticated data, so a ciphertext copied onto another row (another workspace)
 * fails to open just like a tampered one.
 *
 * Errors never carry the plaintext, the key or the ciphertext.
 */

const VERSION = 1;
const NONCE = 12;
const TAG = 16;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new SecretBoxError('the encryption key must be 32 bytes (64 hex characters)');
}

export function sealSecret(key: Buffer, plaintext: string, context: string): Buffer {
  checkKey(key);
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
}

/** Opens a sealed secret; throws SecretBoxError when it was altered, moved, or sealed with another key. */
export function openSecret(key: Buffer, sealed: Uint8Array, context: string): string {
  checkKey(key);
  const box = Buffer.from(sealed);
  if (box.length < 1 + NONCE + TAG || box[0] !== VERSION) throw new SecretBoxError('not a sealed secret');
  const nonce = box.subarray(1, 1 + NONCE);
  const tag = box.subarray(1 + NONCE, 1 + NONCE + TAG);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(box.subarray(1 + NONCE + TAG)), decipher.final()]).toString('utf8');
  } catch {
    // GCM's own message ("Unsupported state or unable to authenticate data") says nothing useful.
    throw new SecretBoxError('the secret failed authentication (tampered, moved to another row, or another key)');
  }
}

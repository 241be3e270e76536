import { generateKeyPairSync, sign } from 'node:crypto';

/**
 * Signs interactions as Discord does: Ed25519 over `timestamp + body` with a key pair generated
 * for the test. `publicKeyHex` is what goes in DISCORD_PUBLIC_KEY.
 *
 * @see https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers
 */
export interface InteractionSigner {
  /** 64 hex characters: the raw 32-byte public key. */
  readonly publicKeyHex: string;
  /** Headers for `body`, signed at `timestampSec` (default: now). */
  headers(body: string, timestampSec?: number): Record<string, string>;
}

export function createInteractionSigner(): InteractionSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The SPKI DER of an Ed25519 key is a 12-byte header followed by the 32 raw key bytes.
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  return {
    publicKeyHex: raw.toString('hex'),
    headers(body, timestampSec = Math.floor(Date.now() / 1000)) {
      const timestamp = String(timestampSec);
      const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');
      return { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
    },
  };
}

// Channel credentials are encrypted at rest with AES-256-GCM. The key comes from
// CHORUS_SECRET_KEY (any string; it is stretched with SHA-256) or from `<data>/secret.key`, created
// on first start with 0600 permissions. Losing the key means re-entering channel credentials.

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_KEY_FILE = 'secret.key';

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export function loadSecretKey(dataDir: string, env = process.env): Buffer {
  const fromEnv = env.CHORUS_SECRET_KEY?.trim();
  if (fromEnv) return createHash('sha256').update(fromEnv).digest();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SECRET_KEY_FILE);
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key; restore it from a backup or remove it to start over`);
  return key;
}

export function secretBox(key: Buffer): SecretBox {
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed) {
      if (!sealed.startsWith('v1:')) throw new Error('unknown secret format');
      const raw = Buffer.from(sealed.slice(3), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      try {
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('channel credentials cannot be decrypted: the secret key is not the one they were saved with');
      }
    },
  };
}

// SCRAM-SHA-256 verifiers, made here so that a password is never sent to PostgreSQL: a statement holding the
// text would land in the server's log whenever statement logging is on. PostgreSQL stores a verifier given as
// the PASSWORD as it is, whatever password_encryption says. The format and parameters are those of psql's
// \password and libpq's PQencryptPasswordConn (RFC 5802 and RFC 7677):
//   SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>, all base64.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { saslPrep } from './saslprep.ts';

/** PostgreSQL's SCRAM_SHA_256_DEFAULT_ITERATIONS: what the server itself and libpq use. */
export const scramIterations = 4096;

/** PostgreSQL's SCRAM_DEFAULT_SALT_LEN. */
export const scramSaltBytes = 16;

export interface ScramKeys {
  storedKey: Buffer;
  serverKey: Buffer;
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

/**
 * StoredKey and ServerKey (RFC 5802 §3): SaltedPassword = PBKDF2-HMAC-SHA-256(SASLprep(password), salt, i);
 * StoredKey = SHA-256(HMAC(SaltedPassword, "Client Key")); ServerKey = HMAC(SaltedPassword, "Server Key").
 */
export function scramKeys(password: string, salt: Buffer, iterations: number): ScramKeys {
  if (!Number.isSafeInteger(iterations) || iterations < 1)
    throw new RangeError('SCRAM iterations must be a positive integer');
  if (salt.length === 0) throw new RangeError('the SCRAM salt must not be empty');
  const salted = pbkdf2Sync(Buffer.from(saslPrep(password), 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return {
    storedKey: createHash('sha256').update(clientKey).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

/** The verifier for `password` with the given salt and iteration count. */
export function scramVerifier(password: string, salt: Buffer, iterations: number): string {
  const { storedKey, serverKey } = scramKeys(password, salt, iterations);
  const b64 = (b: Buffer): string => b.toString('base64');
  return `SCRAM-SHA-256$${String(iterations)}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}

/** A verifier with a fresh random salt and PostgreSQL's iteration count, as \password makes one. */
export function newScramVerifier(password: string): string {
  return scramVerifier(password, randomBytes(scramSaltBytes), scramIterations);
}

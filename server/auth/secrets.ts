/**
 * Random secrets and their stored form. A session secret lives in the browser's cookie and an
 * API token's secret in the caller's configuration; the database keeps only their SHA-256, so
 * a copy of the database lets nobody sign in. SHA-256 (not a slow password hash) is enough:
 * the secrets are 256 random bits, there is nothing to guess.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A fresh secret of `bytes` random bytes, base64url (URL-, cookie- and header-safe). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

/** The stored form of a secret: its SHA-256 in hex. */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

/** Compares two strings in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  return left.length === right.length && timingSafeEqual(left, right)
}

const TOKEN_PREFIX = 'slk'
const TOKEN_PATTERN = /^slk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/

/** A new API token: its public id (listed, revoked by) and the secret shown once. */
export function newApiToken(): { id: string; secret: string; token: string } {
  const id = randomBytes(6).toString('hex')
  const secret = randomSecret(32)
  return { id, secret, token: `${TOKEN_PREFIX}_${id}_${secret}` }
}

/** The parts of `slk_<id>_<secret>`, or null when the text is not shaped like a token. */
export function parseApiToken(token: string): { id: string; secret: string } | null {
  const match = TOKEN_PATTERN.exec(token)
  return match ? { id: match[1] as string, secret: match[2] as string } : null
}

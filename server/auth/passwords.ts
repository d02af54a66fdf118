/**
 * Passwords: argon2id through @node-rs/argon2 at its defaults (19 MiB, 2 passes, 1 lane: the
 * OWASP recommendation), and the rules a new password must meet.
 */
import { hash, verify } from '@node-rs/argon2'
import { ValidationError } from '../../engine/errors.ts'

/** Shortest password accepted. Length is what makes a password hard to guess. */
export const MIN_PASSWORD_LENGTH = 12
/** Longest: argon2 hashes any length, but a megabyte password would only be a way to burn CPU. */
export const MAX_PASSWORD_LENGTH = 256

/** The problem with `password` as a new password, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters (got ${password.length})`
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters (got ${password.length})`
  return null
}

/** The argon2id hash (PHC string, salt included) of an acceptable password; ValidationError otherwise. */
export async function hashPassword(password: string, path = 'password'): Promise<string> {
  const problem = passwordProblem(password)
  if (problem) throw new ValidationError(`${path} ${problem}`, [{ code: 'password', path, message: problem }])
  return hash(password)
}

/** Whether `password` matches `stored`; false (never a throw) for a malformed stored hash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password)
  } catch {
    return false
  }
}

let decoy: Promise<string> | undefined

/**
 * Spends the time of one verification without a user: a sign-in with an unknown name takes as
 * long as one with a wrong password, so response times do not tell which names exist.
 */
export async function verifyDecoy(password: string): Promise<false> {
  await verifyPassword(await (decoy ??= hash('sluice decoy password, never assigned')), password)
  return false
}

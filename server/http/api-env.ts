/**
 * What every API handler can read from its context, and how a request is authenticated.
 */
import type { Context } from 'hono'
import type { Principal } from '../auth/roles.ts'

/** Finds who is calling (session cookie or bearer token); null when nobody is signed in. */
export interface Authenticator {
  principalOf(c: Context): Promise<Principal | null>
}

/** hono env of API routes: the principal, set by the authentication middleware. */
export interface ApiEnv {
  Variables: { principal: Principal | null }
}

/**
 * Local single-user mode: every request acts as one principal. For trying Sluice out on one's
 * own machine; `sluice serve` refuses it unless the server listens on loopback only.
 */
export function localAuthenticator(role: Principal['role'] = 'admin'): Authenticator {
  const principal: Principal = { kind: 'local', id: 'local', name: 'local user', role }
  return { principalOf: () => Promise.resolve(principal) }
}

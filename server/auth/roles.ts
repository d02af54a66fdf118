/**
 * Roles and what each may do. A route declares the role it needs; a principal passes when its
 * own role grants that one. Roles are not a ladder: an operator controls runs but does not
 * edit flows, a marketer edits flows but does not touch channels.
 */
export const ROLES = ['viewer', 'marketer', 'engineer', 'operator', 'admin'] as const
export type Role = (typeof ROLES)[number]

/**
 * What a route needs: a role, any one of several roles (e.g. a customer's journey is for the
 * marketer who drew the flow and the operator who answers for the run), or `public` (no login:
 * health, login, unsubscribe, the API document).
 */
export type Access = Role | readonly Role[] | 'public'

/** The roles each role grants (itself included). */
const GRANTS: Record<Role, readonly Role[]> = {
  viewer: ['viewer'],
  marketer: ['viewer', 'marketer'],
  engineer: ['viewer', 'marketer', 'engineer'],
  operator: ['viewer', 'operator'],
  admin: ROLES,
}

/** Whether a principal with `role` may use a route that needs `needed`. */
export function grants(role: Role, needed: Access): boolean {
  if (needed === 'public') return true
  const anyOf: readonly Role[] = typeof needed === 'string' ? [needed] : needed
  return anyOf.some((one) => GRANTS[role].includes(one))
}

/** The access in words, for a refusal: `the marketer or operator role`. */
export function describeAccess(access: Access): string {
  if (access === 'public') return 'no role'
  const anyOf: readonly Role[] = typeof access === 'string' ? [access] : access
  return `the ${anyOf.join(' or ')} role`
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}

/** Who is calling: a signed-in user, an API token, or the local single-user mode. */
export interface Principal {
  kind: 'user' | 'token' | 'local'
  /** User id, token id, or `local`. */
  id: string
  /** Shown in journals and audit entries ("paused by …"). */
  name: string
  role: Role
}

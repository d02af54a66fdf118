import type { AddressKind } from '../../engine/ports/store.ts'

/**
 * Canonical form of an address, applied to customer addresses and suppression entries alike,
 * so that a suppressed `Ann@Example.com` also suppresses the customer holding `ann@example.com`
 * (a missed match there is a compliance failure, not a cosmetic one).
 * - email: trimmed and lower-cased (domains are case-insensitive and no mail system in practice
 *   treats local parts differently);
 * - phone: spaces, dashes, dots and parentheses removed, a leading `00` becomes `+`;
 * - push and wechat tokens: trimmed only (they are opaque and case-sensitive).
 */
export function normalizeAddress(kind: AddressKind, value: string): string {
  const trimmed = value.trim()
  switch (kind) {
    case 'email':
      return trimmed.toLowerCase()
    case 'phone': {
      const compact = trimmed.replace(/[\s\-().]/g, '')
      return compact.startsWith('00') ? `+${compact.slice(2)}` : compact
    }
    case 'push':
    case 'wechat':
      return trimmed
    default: {
      const unreachable: never = kind
      throw new Error(`unknown address kind: ${String(unreachable)}`)
    }
  }
}

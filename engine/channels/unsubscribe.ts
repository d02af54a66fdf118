/**
 * One-click unsubscribe (RFC 8058): a token signed with HMAC-SHA256 that names the customer and
 * the channel, the two headers that make a mail client offer the one-click button, the check
 * the HTTP endpoint will run on a POST, and the store-side effect — consent revoked and the
 * address suppressed, in one transaction, so it holds from the next send on.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { UserError } from '../errors.ts'
import { ADDRESS_KINDS, type AddressKind, type Channel, type StorePort } from '../ports/store.ts'

/** The name of the signing secret in sluice.config.ts `secrets` (choose-channel signs with it, the endpoint verifies with it). */
export const UNSUBSCRIBE_SECRET = 'unsubscribe'

/** Where the server mounts the one-click endpoint. */
export const UNSUBSCRIBE_PATH = '/unsubscribe'

/** The endpoint of this server under its public URL: `https://sluice.example.com/unsubscribe`. */
export function defaultUnsubscribeUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${UNSUBSCRIBE_PATH}`
}

/** What a token carries. */
export interface UnsubscribePayload {
  customerId: string
  channel: Channel
  /** The flow that sent the message, for the record. */
  flowId?: string
}

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest()
}

function checkSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < 16) throw new UserError('unsubscribe-secret', 'the unsubscribe secret must be at least 16 characters')
}

/** A URL-safe token `payload.signature` (both base64url). */
export function signUnsubscribeToken(secret: string, payload: UnsubscribePayload): string {
  checkSecret(secret)
  const body = Buffer.from(JSON.stringify({ c: payload.customerId, ch: payload.channel, ...(payload.flowId ? { f: payload.flowId } : {}) })).toString('base64url')
  return `${body}.${mac(secret, body).toString('base64url')}`
}

/** The payload of a valid token; a UserError for a forged, altered or malformed one. */
export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribePayload {
  checkSecret(secret)
  const invalid = () => new UserError('unsubscribe-token', 'the unsubscribe link is not valid (altered or not signed by this installation)')
  const [body, signature, extra] = String(token).split('.')
  if (!body || !signature || extra !== undefined) throw invalid()
  const given = Buffer.from(signature, 'base64url')
  const expected = mac(secret, body)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid()
  let decoded: { c?: unknown; ch?: unknown; f?: unknown }
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof decoded
  } catch {
    throw invalid()
  }
  if (typeof decoded.c !== 'string' || typeof decoded.ch !== 'string') throw invalid()
  return { customerId: decoded.c, channel: decoded.ch as Channel, ...(typeof decoded.f === 'string' ? { flowId: decoded.f } : {}) }
}

/** The unsubscribe URL for a customer and channel: `base` with `token=` added. */
export function unsubscribeUrl(base: string, secret: string, payload: UnsubscribePayload): string {
  const url = new URL(base)
  url.searchParams.set('token', signUnsubscribeToken(secret, payload))
  return url.toString()
}

/** The RFC 8058 headers for a message carrying this unsubscribe URL. */
export function listUnsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
}

/** The address kind a channel reaches (sms and call use the phone; inbox has none). */
export function addressKindOf(channel: Channel): AddressKind | null {
  if (channel === 'sms' || channel === 'call') return 'phone'
  return (ADDRESS_KINDS as readonly string[]).includes(channel) ? (channel as AddressKind) : null
}

/**
 * Applies a verified unsubscribe at `now`: the channel's consent is revoked and the customer's
 * address for it is suppressed (or the customer, for a channel without an address), in one
 * transaction. Returns what was done; an unknown customer is a UserError.
 */
export async function applyUnsubscribe(store: StorePort, payload: UnsubscribePayload, now: number): Promise<{ customerId: string; channel: Channel; suppressed: { scope: string; value: string } }> {
  return store.transaction(async (tx) => {
    const [customer] = await tx.getCustomers([payload.customerId])
    if (!customer) throw new UserError('unsubscribe-customer', `the unsubscribe link names customer '${payload.customerId}', who is not in the store`)
    const kind = addressKindOf(payload.channel)
    const address = kind ? customer.addresses[kind] : undefined
    const suppressed = kind && address ? { scope: kind, value: address } : { scope: 'customer' as const, value: customer.id }
    const source = `unsubscribe${payload.flowId ? `:${payload.flowId}` : ''}`
    await tx.setConsents([{ customerId: customer.id, channel: payload.channel, status: 'revoked', at: now, source }])
    await tx.addSuppressions([{ ...suppressed, reason: `one-click unsubscribe (${payload.channel})`, at: now }])
    return { customerId: customer.id, channel: payload.channel, suppressed }
  })
}

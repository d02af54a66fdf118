import { describe, expect, it } from 'vitest'
import { addressKindOf, listUnsubscribeHeaders, signUnsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from './unsubscribe.ts'

const SECRET = 'unsubscribe-secret-0123'

describe('unsubscribe tokens', () => {
  it('round-trips the payload and is URL-safe', () => {
    const token = signUnsubscribeToken(SECRET, { customerId: 'c/1?&=', channel: 'email', flowId: 'welcome' })
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    expect(verifyUnsubscribeToken(SECRET, token)).toEqual({ customerId: 'c/1?&=', channel: 'email', flowId: 'welcome' })
    expect(new URL(unsubscribeUrl('https://x.example/u?a=1', SECRET, { customerId: 'c', channel: 'sms' })).searchParams.get('a')).toBe('1')
  })

  it.each([
    ['empty', ''], ['no signature', 'abc'], ['three parts', 'a.b.c'], ['wrong signature', `${Buffer.from('{"c":"x","ch":"email"}').toString('base64url')}.AAAA`],
  ])('refuses a token with %s', (_what, token) => {
    expect(() => verifyUnsubscribeToken(SECRET, token)).toThrow('the unsubscribe link is not valid')
  })

  it('refuses a payload swapped under another signature', () => {
    const [, signature] = signUnsubscribeToken(SECRET, { customerId: 'a', channel: 'email' }).split('.')
    const forged = `${Buffer.from('{"c":"b","ch":"email"}').toString('base64url')}.${signature}`
    expect(() => verifyUnsubscribeToken(SECRET, forged)).toThrow('not valid')
  })

  it('refuses a short secret', () => {
    expect(() => signUnsubscribeToken('short', { customerId: 'a', channel: 'email' })).toThrow('at least 16 characters')
  })

  it('gives the RFC 8058 header pair and the address kind of each channel', () => {
    expect(listUnsubscribeHeaders('https://x.example/u?token=t')).toEqual({ 'List-Unsubscribe': '<https://x.example/u?token=t>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' })
    expect(['email', 'sms', 'call', 'push', 'wechat', 'inbox'].map((c) => addressKindOf(c as never))).toEqual(['email', 'phone', 'phone', 'push', 'wechat', null])
  })
})

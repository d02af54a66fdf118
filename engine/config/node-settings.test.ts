import { describe, expect, it } from 'vitest'
import { ValidationError } from '../errors.ts'
import { projectConfigSchema } from '../registry/project-config.ts'
import { resolveNodeSettings } from './node-settings.ts'

describe('resolveNodeSettings', () => {
  it('reads each declared secret from its environment variable once, and hands out only those', () => {
    const config = projectConfigSchema.parse({ secrets: { unsubscribe: { env: 'TEST_UNSUB' }, 'crm-key': { env: 'TEST_CRM' } } })
    const env: Record<string, string> = { TEST_UNSUB: 'unsubscribe-secret-0123', TEST_CRM: 'crm', OTHER: 'not declared' }
    const { secrets } = resolveNodeSettings(config, env)
    env.TEST_UNSUB = 'changed later'
    expect(secrets.get('unsubscribe')).toBe('unsubscribe-secret-0123')
    expect(secrets.get('crm-key')).toBe('crm')
    expect(secrets.get('OTHER')).toBeUndefined()
    expect(secrets.names()).toEqual(['crm-key', 'unsubscribe'])
  })

  it('names the config path of every secret whose variable is unset or empty', () => {
    const config = projectConfigSchema.parse({ secrets: { unsubscribe: { env: 'TEST_UNSET' }, 'crm-key': { env: 'TEST_EMPTY' } } })
    let error: unknown
    try {
      resolveNodeSettings(config, { TEST_EMPTY: '' }, { where: '/p/sluice.config.ts' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).message).toBe(
      '/p/sluice.config.ts: 2 settings cannot be used:\n' +
        '  default.secrets.unsubscribe.env: the environment variable TEST_UNSET is not set (it holds this secret)\n' +
        '  default.secrets["crm-key"].env: the environment variable TEST_EMPTY is not set (it holds this secret)',
    )
  })

  it('takes server.publicUrl, else the fallback, without a trailing slash', () => {
    expect(resolveNodeSettings(projectConfigSchema.parse({ server: { publicUrl: 'https://sluice.example.com/' } }), {}, { fallbackUrl: 'http://127.0.0.1:3000' }).publicUrl).toBe('https://sluice.example.com')
    expect(resolveNodeSettings({}, {}, { fallbackUrl: 'http://127.0.0.1:3000' }).publicUrl).toBe('http://127.0.0.1:3000')
    expect(resolveNodeSettings({}, {}).publicUrl).toBeUndefined()
    expect(projectConfigSchema.safeParse({ server: { publicUrl: 'ftp://x.example.com' } }).success).toBe(false)
  })
})

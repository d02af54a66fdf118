import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { configJsonSchema } from './config-json-schema.ts'
import { defineNode } from './define-node.ts'
import { checkLocales, configFieldPaths, localeFor, localizeNodeType } from './node-locales.ts'

const config = z.object({
  channel: z.enum(['email', 'sms']).meta({ title: 'Channel', description: 'Where to send' }),
  timeout: z.object({ amount: z.number().meta({ title: 'Amount' }) }).meta({ title: 'Timeout' }),
  steps: z.array(z.object({ name: z.string().meta({ title: 'Name' }) })).meta({ title: 'Steps' }),
})

const declaration = (locales: unknown) => ({
  type: 'gate-check',
  version: 1,
  title: 'Gate check',
  category: 'policy' as const,
  description: 'Checks.',
  icon: 'shield' as const,
  config,
  outputs: ['pass', 'held'] as const,
  locales: locales as never,
  async run() {
    return { routes: {} }
  },
})

describe('node type locales', () => {
  it('lists config field paths as the reference docs do', () => {
    expect(configFieldPaths(configJsonSchema(config))).toEqual(['channel', 'timeout', 'timeout.amount', 'steps', 'steps[].name'])
  })

  it('refuses a bad locale, naming the node type and the path of each problem', () => {
    const bad = {
      'zh-CN': { title: '', outputs: { pass: '通过', passed: '通过了' }, fields: { chanel: { title: '渠道' }, 'steps[].name': { titel: '名称' } } },
      chinese: { title: '检查' },
    }
    expect(() => defineNode(declaration(bad))).toThrow(/node type 'gate-check' is not a valid declaration/)
    const problems = checkLocales(bad, configJsonSchema(config), ['pass', 'held'])
    expect(problems).toEqual([
      'locales.zh-CN.title: expected a non-empty string',
      'locales.zh-CN.outputs.passed: no such output (outputs: pass, held)',
      'locales.zh-CN.fields.chanel: no such config field (fields: channel, timeout, timeout.amount, steps, steps[].name)',
      'locales.zh-CN.fields.steps[].name.titel: unknown key (expected title, description)',
      'locales.chinese: "chinese" is not a language tag such as "zh-CN" or "fr"',
    ])
    expect(checkLocales('zh', undefined, undefined)[0]).toMatch(/^locales: expected an object/)
  })

  it('accepts a good locale; outputs computed from the config may label any name', () => {
    const good = { 'zh-CN': { title: '关口检查', outputs: { pass: '通过' }, fields: { channel: { title: '渠道' }, 'timeout.amount': { title: '数量' } } } }
    expect(() => defineNode(declaration(good))).not.toThrow()
    expect(checkLocales({ 'zh-CN': { outputs: { email: '电子邮件' } } }, configJsonSchema(config), undefined)).toEqual([])
  })

  it('translates title, description, form texts and output labels; English where the language is missing', () => {
    const type = { title: 'Gate check', description: 'Checks.', configSchema: configJsonSchema(config), locales: { 'zh-CN': { title: '关口检查', outputs: { pass: '通过' }, fields: { channel: { title: '渠道' }, 'timeout.amount': { title: '数量' }, 'steps[].name': { description: '步骤名' } } } } }
    const zh = localizeNodeType(type, 'zh-CN')
    expect(zh.title).toBe('关口检查')
    expect(zh.description).toBe('Checks.')
    expect(zh.outputLabels).toEqual({ pass: '通过' })
    const props = zh.configSchema.properties as Record<string, Record<string, unknown>>
    expect(props.channel).toMatchObject({ title: '渠道', description: 'Where to send' })
    expect((props.timeout!.properties as Record<string, Record<string, unknown>>).amount!.title).toBe('数量')
    expect(((props.steps!.items as Record<string, unknown>).properties as Record<string, Record<string, unknown>>).name).toMatchObject({ title: 'Name', description: '步骤名' })
    expect((type.configSchema.properties as Record<string, Record<string, unknown>>).channel!.title).toBe('Channel')
    expect(localizeNodeType(type, 'en')).toMatchObject({ title: 'Gate check', outputLabels: {} })
    expect(localizeNodeType(type, 'zh')).toMatchObject({ title: '关口检查' })
    expect(localeFor(undefined, 'zh-CN')).toBeUndefined()
  })
})

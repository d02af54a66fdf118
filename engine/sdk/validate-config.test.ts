import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConfigError } from '../errors.ts'
import { defineNode } from './define-node.ts'
import { parseNodeConfig, validateNodeConfig } from './validate-config.ts'

const throttle = defineNode({
  type: 'throttle-probe',
  version: 1,
  title: 'Throttle probe',
  category: 'policy',
  description: 'For these tests.',
  icon: 'shield',
  config: z.object({ max: z.number().int().min(1), per: z.enum(['day', 'week']).default('day') }),
  outputs: ['pass', 'held'],
  validate: (config) => (config.max > 10 ? [{ code: 'too-generous', path: 'config.max', message: 'more than 10 contacts is harassment', severity: 'warning' }] : []),
  async run({ customers }) {
    return { routes: { pass: customers } }
  },
})

const splitter = defineNode({
  type: 'splitter-probe',
  version: 1,
  title: 'Splitter probe',
  category: 'flow',
  description: 'For these tests.',
  icon: 'split',
  config: z.object({ names: z.array(z.string()) }),
  outputs: (config) => config.names,
  validate: (config) => {
    if (config.names.includes('boom')) throw new Error('validate exploded')
    return []
  },
  async run() {
    return {}
  },
})

describe('validateNodeConfig', () => {
  it('applies defaults and runs the node\'s own checks, namespacing their codes by type', () => {
    expect(validateNodeConfig(throttle, { max: 20 })).toEqual({
      config: { max: 20, per: 'day' },
      issues: [{ code: 'throttle-probe.too-generous', path: 'config.max', message: 'more than 10 contacts is harassment', severity: 'warning' }],
    })
  })

  it('warns about fields the schema would silently drop, suggesting the likely name', () => {
    expect(validateNodeConfig(throttle, { max: 2, pre: 'week', colour: 'red' }).issues).toEqual([
      { code: 'node.config-unknown-field', path: 'config.pre', message: 'unknown field "pre" is ignored (did you mean "per"?)', severity: 'warning' },
      { code: 'node.config-unknown-field', path: 'config.colour', message: 'unknown field "colour" is ignored', severity: 'warning' },
    ])
    expect(validateNodeConfig(throttle, { maxx: 2 }).issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'config.max: required: expected number',
      'config.maxx: unknown field "maxx" is ignored (did you mean "max"?)',
    ])
  })

  it('reports configs that give a node unusable outputs, and a validate() that throws', () => {
    expect(validateNodeConfig(splitter, { names: [] }).issues).toEqual([
      { code: 'node.outputs', path: 'config', message: 'this config gives the node unusable outputs: outputs: expected at least one output', severity: 'error' },
    ])
    expect(validateNodeConfig(splitter, { names: ['ok', 'boom'] }).issues).toEqual([
      { code: 'node.validate-failed', path: 'config', message: "the node's validate() threw: validate exploded", severity: 'error' },
    ])
  })

  it('parseNodeConfig throws a ConfigError with every error, and ignores warnings', () => {
    expect(parseNodeConfig(throttle, { max: 20 })).toEqual({ max: 20, per: 'day' })
    const attempt = () => parseNodeConfig(throttle, { max: 0, per: 'year' })
    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow("invalid config for node type 'throttle-probe':\n  config.max: expected integer ≥ 1, got 0\n  config.per: expected one of \"day\", \"week\", got \"year\"")
  })

  it('parsed configs survive JSON.stringify', () => {
    const config = parseNodeConfig(throttle, { max: 3 })
    expect(JSON.parse(JSON.stringify(config))).toEqual(config)
  })
})

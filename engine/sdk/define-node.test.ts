import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { NodeDeclarationError } from '../errors.ts'
import { defineNode, outputsOf } from './define-node.ts'
import type { Decision, NodeResult } from './types.ts'

const base = {
  type: 'probe',
  version: 1,
  title: 'Probe',
  category: 'flow',
  description: 'A node used by these tests.',
  icon: 'split',
} as const

describe('defineNode types', () => {
  it('flows the config type into run, outputs, validate and explain, and types routes by a fixed outputs list', () => {
    const node = defineNode({
      ...base,
      config: z.object({ max: z.number().int(), per: z.enum(['day', 'week']) }),
      outputs: ['pass', 'held'],
      validate(config) {
        expectTypeOf(config).toEqualTypeOf<{ max: number; per: 'day' | 'week' }>()
        return []
      },
      explain(decision, config) {
        expectTypeOf(decision).toEqualTypeOf<Decision<'pass' | 'held'>>()
        expectTypeOf(config.per).toEqualTypeOf<'day' | 'week'>()
        return decision.output ?? 'waiting'
      },
      async run({ config, customers }) {
        expectTypeOf(config.max).toEqualTypeOf<number>()
        return { routes: { pass: customers.slice(0, config.max), held: customers.slice(config.max) } }
      },
    })
    expectTypeOf(node.outputs).toEqualTypeOf<readonly ('pass' | 'held')[] | ((config: { max: number; per: 'day' | 'week' }) => readonly ('pass' | 'held')[])>()
    expectTypeOf(node.run).returns.toEqualTypeOf<Promise<NodeResult<'pass' | 'held'>>>()
  })

  it('rejects a route to an output that is not declared (compile time)', () => {
    expect(() =>
      defineNode({
        ...base,
        config: z.object({}),
        outputs: ['match', 'no match'],
        // @ts-expect-error -- "matchh" is not an output of this node
        async run({ customers }) {
          return { routes: { matchh: customers } }
        },
      }),
    ).not.toThrow()
  })

  it('rejects a misspelt output next to a declared one (compile time), and accepts the declared names', () => {
    const node = (misspelt: boolean) =>
      misspelt
        ? // @ts-expect-error -- "vipp" is not an output; "other" alone must not make the routes acceptable
          defineNode({
            ...base,
            config: z.object({}),
            outputs: ['vip', 'other'],
            async run({ customers }) {
              return { routes: { vipp: customers.slice(0, 1), other: customers.slice(1) } }
            },
          })
        : defineNode({
            ...base,
            config: z.object({}),
            outputs: ['vip', 'other'],
            async run({ customers }) {
              return { routes: { vip: customers.slice(0, 1), other: customers.slice(1) } }
            },
          })
    // At run time the declaration is valid either way: only the types catch the misspelling.
    expect(node(false).outputs).toEqual(['vip', 'other'])
    expect(() => node(true)).not.toThrow()
  })

  it('accepts outputs computed from the config', () => {
    const node = defineNode({
      ...base,
      config: z.object({ variants: z.array(z.object({ name: z.string() })).min(2) }),
      outputs: (config) => config.variants.map((v) => v.name),
      async run({ config, customers }) {
        return { routes: { [config.variants[0]!.name]: customers } }
      },
    })
    expect(outputsOf(node, { variants: [{ name: 'A' }, { name: 'B' }] })).toEqual(['A', 'B'])
  })
})

describe('defineNode checks', () => {
  const run = async () => ({})
  const valid = { ...base, config: z.object({}), outputs: ['out'], run }

  it('fills in timing and cohort defaults and freezes the definition', () => {
    const node = defineNode(valid)
    expect(node.timing).toBe('instant')
    expect(node.cohort).toBe('batches')
    expect(Object.isFrozen(node)).toBe(true)
  })

  it.each([
    [{ type: 'AB_split' }, /type: "AB_split" is not kebab-case/],
    [{ version: 0 }, /version: expected a positive integer, got 0/],
    [{ version: 1.5 }, /version: expected a positive integer, got 1.5/],
    [{ title: '' }, /title: expected a non-empty string/],
    [{ category: 'magic' }, /category: expected one of trigger, audience/],
    [{ icon: 'unicorn' }, /icon: expected one of bolt/],
    [{ outputs: [] }, /outputs: expected at least one output/],
    [{ outputs: ['a', 'a'] }, /outputs: "a" is listed twice/],
    [{ config: { max: 1 } }, /config: expected a zod schema/],
    [{ config: z.object({ at: z.date() }) }, /config: config schema cannot become JSON Schema: Date cannot be represented/],
    [{ config: z.object({ n: z.string().transform((s) => s.length) }) }, /config: config schema cannot become JSON Schema: Transforms cannot be represented/],
    [{ config: z.string() }, /config schema must be a z.object/],
    [{ migrate: { 1: () => ({}) } }, /migrate.1: expected a version between 1 and 0/],
    [{ timing: 'sometimes' }, /timing: expected one of instant, waits/],
    [{ run: 'go' }, /run: expected an async function/],
  ])('rejects %o', (override, message) => {
    const attempt = () => defineNode({ ...valid, ...override } as never)
    expect(attempt).toThrow(NodeDeclarationError)
    expect(attempt).toThrow(message)
  })

  it('lists every problem of a declaration at once', () => {
    try {
      defineNode({ ...valid, type: 'Bad Type', version: -1, outputs: [] } as never)
      expect.unreachable()
    } catch (error) {
      expect((error as Error).message).toMatch(/node type 'Bad Type'[\s\S]*type:[\s\S]*version:[\s\S]*outputs:/)
    }
  })
})

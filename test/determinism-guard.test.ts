/**
 * The determinism guard through the executor: a custom node whose `run` reads the wall clock,
 * unkeyed randomness or the environment fails its run, and its customers' positions end in
 * error with a message naming the node (id, type, version) and the call; ctx.now(),
 * ctx.random() and ctx.data (the store, outside the guard) keep working, on SQLite and Postgres.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { defineNode, z } from '../engine/sdk/index.ts'
import type { OpenStoreOptions } from '../store/open-store.ts'
import { DAY, engineHarness, flowOf, T0, type EngineHarness } from './engine-harness.ts'
import { createTestSchema, type TestSchema } from './support/postgres.ts'

let pg: TestSchema | undefined
let pgUnavailable: unknown
beforeAll(async () => {
  pg = await createTestSchema('the determinism guard').catch((error: unknown) => {
    pgUnavailable = error
    return undefined
  })
})
afterAll(() => pg?.drop())

const dialects: { name: string; store: () => OpenStoreOptions }[] = [
  { name: 'sqlite', store: () => ({ db: ':memory:' }) },
  {
    name: 'postgres',
    store: () => {
      if (!pg) throw pgUnavailable
      return { databaseUrl: pg.url, pgSchema: pg.schema }
    },
  },
]

/** What the impure node does in `run`, chosen by its config. */
const IMPURE_CALLS = {
  'date-now': () => Date.now(),
  'math-random': () => Math.random(),
  'new-date': () => new Date().getTime(),
  'process-env': () => process.env['HOME'],
} as const

const impure = defineNode({
  type: 'impure', version: 2, title: 'Impure', category: 'flow', icon: 'split',
  description: 'Reads something it should take from ctx.',
  config: z.object({ does: z.enum(Object.keys(IMPURE_CALLS) as [keyof typeof IMPURE_CALLS]) }),
  outputs: ['next'],
  async run({ config, customers }) {
    IMPURE_CALLS[config.does]()
    return { routes: { next: customers } }
  },
})

/** Swallows the violation and routes everyone on: the run must fail anyway. */
const swallowing = defineNode({
  type: 'swallowing', version: 1, title: 'Swallowing', category: 'flow', icon: 'split',
  description: 'Catches what Math.random() throws.',
  config: z.object({}),
  outputs: ['next'],
  async run({ customers }) {
    try {
      Math.random()
    } catch {
      // pretend nothing happened
    }
    return { routes: { next: customers } }
  },
})

/** Reads the store, the clock and keyed randomness through ctx, after awaiting the store. */
const pure = defineNode({
  type: 'pure', version: 1, title: 'Pure', category: 'flow', icon: 'split',
  description: 'Routes gold customers and stamps the time and a draw.',
  config: z.object({}),
  outputs: ['gold', 'other'],
  async run({ customers, ctx }) {
    const profiles = new Map((await ctx.data.customers(customers)).map((c) => [c.id, c]))
    const segment = await ctx.data.matchSegment(customers, { type: 'attribute', name: 'tier', op: 'eq', value: 'gold' }, { now: ctx.now() })
    const gold = customers.filter((c) => segment.has(c.key) && profiles.get(c.id)?.attributes['tier'] === 'gold')
    const other = customers.filter((c) => !gold.includes(c))
    return { routes: { gold: gold.map((customer) => ({ customer, values: { at: ctx.now(), draw: ctx.random(customer) } })), other } }
  },
})

describe.each(dialects)('the determinism guard in the executor ($name)', ({ store }) => {
  let h: EngineHarness
  afterEach(() => h?.close())

  async function errorsOf(node: { type: string; config: { does?: string } }): Promise<string[]> {
    h = await engineHarness({ nodes: [impure, swallowing, pure], store: store() })
    await h.store.upsertCustomers([{ id: 'ann' }, { id: 'bob' }])
    const run = await h.engine.publish(
      flowOf(`guarded-${node.type}-${node.config.does ?? ''}`, [{ id: 'start', type: 'trigger', config: { audience: {} } }, { id: 'score', ...node }], [{ from: 'start', output: 'entered', to: 'score' }]),
      { options: { nodeAttempts: 1 } },
    )
    await h.scheduler.runUntil(T0 + DAY)
    const keys = (await h.engineStore.customersByIds(['ann', 'bob'])).map((c) => c.key)
    const positions = await h.engineStore.getPositions(run.id, keys)
    expect(positions).toHaveLength(2)
    expect(positions.every((p) => p.state === 'error' && p.nodeId === 'score')).toBe(true)
    return positions.map((p) => p.error ?? '')
  }

  it.each([
    ['date-now', 'Date.now(); use ctx.now()'],
    ['math-random', 'Math.random(); use ctx.random(customer, salt)'],
    ['new-date', 'new Date(); use ctx.now() and new Date(ctx.now())'],
    ['process-env', 'process.env.HOME; read settings and secrets through ctx'],
  ])('a node calling %s ends its customers in error naming the node and the call', async (does, call) => {
    const errors = await errorsOf({ type: 'impure', config: { does } })
    for (const error of errors) expect(error).toContain(`node "score" (impure v2) called ${call}`)
  })

  it('fails the run of a node that catches the DeterminismError and carries on', async () => {
    const errors = await errorsOf({ type: 'swallowing', config: {} })
    for (const error of errors) expect(error).toContain('node "score" (swallowing v1) called Math.random()')
  })

  it('lets ctx.now(), ctx.random() and the store through ctx.data work inside run', async () => {
    h = await engineHarness({ nodes: [pure], store: store() })
    await h.store.upsertCustomers([{ id: 'ann', attributes: { tier: 'gold' } }, { id: 'bob', attributes: { tier: 'silver' } }])
    const run = await h.engine.publish(
      flowOf('clean', [{ id: 'start', type: 'trigger', config: { audience: {} } }, { id: 'pick', type: 'pure', config: {} }], [{ from: 'start', output: 'entered', to: 'pick' }]),
    )
    await h.scheduler.runUntil(T0 + DAY)
    const summary = await h.engine.summary(run.id)
    expect(summary.errors).toEqual([])
    expect(summary.positions.error).toBe(0)
    expect(summary.nodes['pick']?.outputs).toEqual({ gold: 1, other: 1 })
  })
})

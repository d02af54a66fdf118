import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from 'sluice/sdk'
import type { StorePort } from 'sluice/sdk'
import { NodeRegistry } from '../../engine/registry/registry.ts'
import { openStore } from '../../store/open-store.ts'
import { testNode } from 'sluice/testing'
import abSplit from './index.ts'

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c-${String(i + 1).padStart(5, '0')}`)
const threeWay = { variants: [{ name: 'A', weight: 1 }, { name: 'B', weight: 2 }, { name: 'C', weight: 7 }] }

describe('ab-split', () => {
  let store: StorePort
  beforeAll(async () => {
    store = await openStore({ db: ':memory:', now: () => 0 })
    await store.upsertCustomers(ids(10_000).map((id) => ({ id })))
  })
  afterAll(() => store.close())

  it('respects the weights within 1.5 points on 10,000 customers', async () => {
    const result = await testNode(abSplit, { customers: ids(10_000), config: threeWay, store })
    const share = (name: 'A' | 'B' | 'C') => (result.routes[name] ?? []).length / 10_000
    expect(Math.abs(share('A') - 0.1)).toBeLessThan(0.015)
    expect(Math.abs(share('B') - 0.2)).toBeLessThan(0.015)
    expect(Math.abs(share('C') - 0.7)).toBeLessThan(0.015)
    // The split needs no data: it reads nothing from the store, whatever capabilities exist.
    expect(Object.values(result.calls).every((count) => count === 0)).toBe(true)
  })

  it('puts a customer in the same variant whatever the batch size or order', async () => {
    const cohort = ids(2_000)
    const whole = await testNode(abSplit, { customers: cohort, config: threeWay, store })
    for (const variant of [{ batchSize: 1 }, { batchSize: 7 }, { batchSize: 333, order: 'reverse' as const }, { order: 'reverse' as const }]) {
      const split = await testNode(abSplit, { customers: cohort, config: threeWay, store, ...variant })
      expect(split.routes).toEqual(whole.routes)
    }
    // The draw is keyed by customer, so a sub-cohort lands exactly where those customers landed in the whole.
    const subset = cohort.filter((_, i) => i % 3 === 0)
    const partial = await testNode(abSplit, { customers: subset, config: threeWay, store })
    for (const name of ['A', 'B', 'C'] as const) expect(partial.routes[name]).toEqual((whole.routes[name] ?? []).filter((id) => subset.includes(id)))
  })

  it('reshuffles with a different salt or run seed, and not otherwise', async () => {
    const cohort = ids(1_000)
    const base = await testNode(abSplit, { customers: cohort, config: threeWay, store })
    const again = await testNode(abSplit, { customers: cohort, config: threeWay, store })
    const salted = await testNode(abSplit, { customers: cohort, config: { ...threeWay, salt: 'spring' }, store })
    const reseeded = await testNode(abSplit, { customers: cohort, config: threeWay, store, seed: 'another-run' })
    expect(again.routes).toEqual(base.routes)
    expect(salted.routes).not.toEqual(base.routes)
    expect(reseeded.routes).not.toEqual(base.routes)
  })

  it('explains which bucket a customer drew and why it maps to the variant', async () => {
    const result = await testNode(abSplit, { customers: ['c-00001', 'c-00002'], config: { variants: [{ name: 'A', weight: 1 }, { name: 'B', weight: 3 }] }, store })
    for (const decision of result.decisions) {
      const bucket = decision.values?.bucket as number
      expect(bucket).toBeGreaterThanOrEqual(0)
      expect(bucket).toBeLessThan(1)
      expect(decision.output).toBe(bucket < 0.25 ? 'A' : 'B')
      const range = decision.output === 'A' ? '[0.0000, 0.2500), a 25 % share' : '[0.2500, 1.0000), a 75 % share'
      expect(decision.explanation).toBe(`went to ${decision.output} because its random bucket ${bucket.toFixed(4)} fell in ${decision.output}'s range ${range} of the weights`)
    }
    expect(result.logs.map((l) => l.message)).toEqual(['split cohort'])
  })

  it.each([
    [{ variants: [{ name: 'A', weight: 0 }, { name: 'B', weight: 1 }] }, 'config.variants[0].weight', 'expected number > 0, got 0'],
    [{ variants: [{ name: 'A', weight: -2 }, { name: 'B', weight: 1 }] }, 'config.variants[0].weight', 'expected number > 0, got -2'],
    [{ variants: [{ name: 'A', weight: 1 }] }, 'config.variants', 'expected at least 2 item(s), got 1'],
    [{ variants: [{ name: 'A', weight: 1 }, { name: 'B', weight: '3' }] }, 'config.variants[1].weight', 'expected number, got "3"'],
    [{ variants: [{ name: 'A', weight: 1 }, { name: 'A', weight: 1 }] }, 'config.variants[1].name', 'variant name "A" is already used by variants[0]; each variant is an output and needs its own name'],
  ])('rejects invalid config %j with the issue at its path', async (config, path, message) => {
    const attempt = testNode(abSplit, { customers: ['c-00001'], config: config as never, store })
    await expect(attempt).rejects.toThrow(ConfigError)
    const error = await testNode(abSplit, { customers: ['c-00001'], config: config as never, store }).catch((e: ConfigError) => e)
    expect((error as ConfigError).issues).toContainEqual(expect.objectContaining({ path, message }))
  })

  it('migrates a version-1 config (weights as a map) to version 2', () => {
    const registry = new NodeRegistry()
    registry.register(abSplit, 'examples/custom-node/index.ts')
    expect(registry.resolve('ab-split', 1)).toMatchObject({ ok: true, migrateFrom: 1 })
    expect(registry.upgradeConfig('ab-split', 1, { weights: { A: 50, B: 50 }, salt: 'x' })).toEqual({
      version: 2,
      config: { variants: [{ name: 'A', weight: 50 }, { name: 'B', weight: 50 }], salt: 'x' },
    })
  })
})

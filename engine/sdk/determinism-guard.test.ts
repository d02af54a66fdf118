import { randomUUID as nodeRandomUUID } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DeterminismError, outsideNodeCode, runNodeGuarded, setDeterminismGuardMode } from './determinism-guard.ts'

const score = { id: 'score', type: 'score', version: 2 }

/** The message runNodeGuarded rejects with when `body` runs as node "score". */
async function violationOf(body: () => unknown): Promise<string> {
  const error: unknown = await runNodeGuarded(score, async () => {
    body()
  }).then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(DeterminismError)
  return (error as DeterminismError).message
}

afterEach(() => setDeterminismGuardMode('throw'))

describe('runNodeGuarded', () => {
  it.each<[string, () => unknown]>([
    ['Date.now()', () => Date.now()],
    ['new Date()', () => new Date()],
    ['Date()', () => (Date as unknown as () => string)()],
    ['Date.now()', () => globalThis.Date.now()],
    ['performance.now()', () => performance.now()],
    ['Math.random()', () => Math.random()],
    ['crypto.randomUUID()', () => crypto.randomUUID()],
    ['crypto.randomUUID()', () => nodeRandomUUID()],
    ['crypto.getRandomValues()', () => crypto.getRandomValues(new Uint8Array(4))],
    ['setTimeout()', () => setTimeout(() => undefined, 1)],
    ['setInterval()', () => setInterval(() => undefined, 1)],
    ['setImmediate()', () => setImmediate(() => undefined)],
    ['process.env.HOME', () => process.env['HOME']],
    ['process.env (listing its keys)', () => Object.keys(process.env)],
    ['process.env.SLUICE_GUARD_TEST', () => (process.env['SLUICE_GUARD_TEST'] = 'x')],
  ])('refuses %s inside node code, naming the node and the call', async (call, body) => {
    expect(await violationOf(body)).toMatch(new RegExp(`^node "score" \\(score v2\\) called ${call.replace(/[().]/g, '\\$&')}; \\w`))
  })

  it('names what to use instead', async () => {
    expect(await violationOf(() => Math.random())).toBe('node "score" (score v2) called Math.random(); use ctx.random(customer, salt)')
    expect(await violationOf(() => Date.now())).toBe('node "score" (score v2) called Date.now(); use ctx.now()')
  })

  it('keeps guarding after the node awaits, and leaves code outside the node untouched', async () => {
    const outside = Date.now()
    const error = await runNodeGuarded(score, async () => {
      await Promise.resolve()
      await new Promise((resolve) => queueMicrotask(() => resolve(undefined)))
      return Math.random()
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeterminismError)
    expect(Date.now()).toBeGreaterThanOrEqual(outside)
    expect(typeof Math.random()).toBe('number')
    expect(process.env['PATH']).toBeTypeOf('string')
  })

  it('allows the pure parts of Date: a given time, Date.UTC, Date.parse, instanceof', async () => {
    const value = await runNodeGuarded(score, () => {
      const d = new Date(Date.UTC(2025, 2, 3))
      return { iso: d.toISOString(), isDate: d instanceof Date, parsed: Date.parse('2025-03-03T00:00:00Z') }
    })
    expect(value).toEqual({ iso: '2025-03-03T00:00:00.000Z', isDate: true, parsed: Date.UTC(2025, 2, 3) })
    expect(new Date(0) instanceof Date).toBe(true)
  })

  it('fails a node that catches the violation and returns normally', async () => {
    const error = await runNodeGuarded(score, () => {
      try {
        Math.random()
      } catch {
        // swallowed
      }
      return 'fine'
    }).catch((e: unknown) => e)
    expect((error as Error).message).toContain('called Math.random()')
  })

  it('runs engine callbacks the node calls (ctx.data, the clock) outside the guard', async () => {
    const store = outsideNodeCode(async (n: number) => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      return Date.now() + n * 0
    })
    const at = await runNodeGuarded(score, () => store(1))
    expect(at).toBeTypeOf('number')
  })

  it('keeps concurrent node runs apart: one node failing does not fail the other', async () => {
    const other = { id: 'pick', type: 'pick', version: 1 }
    const [bad, good] = await Promise.allSettled([
      runNodeGuarded(score, async () => {
        await Promise.resolve()
        return Math.random()
      }),
      runNodeGuarded(other, async () => {
        await Promise.resolve()
        return 'ok'
      }),
    ])
    expect(bad.status).toBe('rejected')
    expect(good).toEqual({ status: 'fulfilled', value: 'ok' })
    expect(String((bad as PromiseRejectedResult).reason)).toContain('node "score"')
  })

  it('in warn mode lets the call through and warns once per node and call', async () => {
    setDeterminismGuardMode('warn')
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    try {
      const warnNode = { id: 'warned', type: 'score', version: 2 }
      const draws = await runNodeGuarded(warnNode, () => [Math.random(), Math.random()])
      await runNodeGuarded(warnNode, () => Math.random())
      expect(draws.every((d) => d >= 0 && d < 1)).toBe(true)
      expect(warn).toHaveBeenCalledTimes(1)
      expect(warn.mock.calls[0]?.[0]).toBe('node "warned" (score v2) called Math.random(); use ctx.random(customer, salt)')
    } finally {
      warn.mockRestore()
    }
  })

  it('off does not guard', async () => {
    expect(await runNodeGuarded(score, () => typeof Math.random(), 'off')).toBe('number')
  })
})

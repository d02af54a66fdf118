import { describe, expect, it } from 'vitest'
import { NodeRunError } from '../errors.ts'
import { assertNodeResult, checkNodeResult, exitsOf } from './check-result.ts'
import type { CohortMember, NodeResult } from './types.ts'

const member = (n: number): CohortMember => ({ key: n, id: `c-${n}`, enteredAt: 1000 })
const cohort = [member(1), member(2), member(3)]

describe('checkNodeResult', () => {
  it('accepts a result that places every member exactly once, in routes or park', () => {
    const result: NodeResult = {
      routes: { yes: [member(1)], no: [{ customer: member(2), reason: 'too young' }] },
      park: [{ customer: member(3), until: 5000 }],
    }
    expect(checkNodeResult(cohort, result, ['yes', 'no'])).toEqual([])
  })

  it('reports missing, duplicated and foreign customers, unknown outputs and bad times together', () => {
    const result: NodeResult = {
      routes: { yes: [member(1), member(1), member(9)], maybe: [{ customer: member(2), at: Number.NaN }] },
    }
    const problems = checkNodeResult(cohort, result, ['yes', 'no'])
    expect(problems.map((p) => p.code).sort()).toEqual(['bad-time', 'duplicated', 'missing', 'not-in-cohort', 'unknown-output'])
    expect(problems.find((p) => p.code === 'missing')?.customers).toEqual(['c-3'])
    expect(problems.find((p) => p.code === 'duplicated')?.customers).toEqual(['c-1'])
    expect(problems.find((p) => p.code === 'not-in-cohort')?.customers).toEqual(['c-9'])
  })

  it('reports a malformed result instead of crashing on it', () => {
    expect(checkNodeResult(cohort, { routes: { yes: 'everyone' } } as never, ['yes'])[0]?.code).toBe('malformed')
    expect(checkNodeResult(cohort, null as never, ['yes'])[0]?.code).toBe('malformed')
    expect(checkNodeResult(cohort, { routes: { yes: [null, member(1), member(2), member(3)] } } as never, ['yes']).map((p) => p.code)).toEqual(['not-in-cohort'])
  })
})

describe('assertNodeResult', () => {
  it('throws a NodeRunError naming the node, the run and the problem', () => {
    const attempt = () => assertNodeResult({ nodeId: 'split-1', runId: 'run-7' }, cohort, { routes: { yes: [member(1)] } }, ['yes'])
    expect(attempt).toThrow(NodeRunError)
    expect(attempt).toThrow(/node 'split-1' failed in run 'run-7'.*2 customer\(s\) neither routed nor parked: c-2, c-3/)
  })
})

describe('exitsOf', () => {
  it('flattens routes and parks with their details', () => {
    const exits = exitsOf({ routes: { a: [{ customer: member(1), at: 7, values: { v: 1 } }] }, park: [{ customer: member(2), until: 9, wakeOn: { type: 'purchase' } }] })
    expect(exits).toEqual([
      { customer: member(1), output: 'a', at: 7, values: { v: 1 } },
      { customer: member(2), at: 9, park: { customer: member(2), until: 9, wakeOn: { type: 'purchase' } } },
    ])
  })
})

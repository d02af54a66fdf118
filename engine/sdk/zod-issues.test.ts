import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { zodIssuesToIssues } from './zod-issues.ts'

const schema = z.object({
  max: z.number().int().min(1),
  ratio: z.number().max(1),
  per: z.enum(['day', 'week', 'month']),
  variants: z.array(z.object({ name: z.string().min(1) })).min(2),
  mode: z.literal('fast').optional(),
})

function messages(input: unknown): Record<string, string> {
  const result = schema.safeParse(input, { reportInput: true })
  if (result.success) return {}
  return Object.fromEntries(zodIssuesToIssues(result.error.issues, { code: 'x', prefix: 'nodes[throttle-1].config', schema }).map((i) => [i.path, i.message]))
}

describe('zodIssuesToIssues', () => {
  it('writes paths with node ids and messages saying what was expected and what was found', () => {
    expect(messages({ max: 0, ratio: 2, per: 'year', variants: [{ name: '' }], mode: 'slow' })).toEqual({
      'nodes[throttle-1].config.max': 'expected integer ≥ 1, got 0',
      'nodes[throttle-1].config.ratio': 'expected number ≤ 1, got 2',
      'nodes[throttle-1].config.per': 'expected one of "day", "week", "month", got "year"',
      'nodes[throttle-1].config.variants[0].name': 'expected at least 1 character(s), got ""',
      'nodes[throttle-1].config.variants': 'expected at least 2 item(s), got 1',
      'nodes[throttle-1].config.mode': 'expected "fast", got "slow"',
    })
  })

  it('says when a field is missing or has the wrong type', () => {
    expect(messages({ max: 1.5, ratio: '1', variants: [{ name: 'a' }, { name: 'b' }] })).toEqual({
      'nodes[throttle-1].config.max': 'expected integer, got 1.5',
      'nodes[throttle-1].config.ratio': 'expected number, got "1"',
      'nodes[throttle-1].config.per': 'required: expected one of "day", "week", "month"',
    })
  })
})

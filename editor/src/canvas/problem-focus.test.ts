import { describe, expect, it } from 'vitest'
import { formIdsOf } from './problem-focus.ts'

describe('the form field of a problem', () => {
  it('is the rjsf id of its path, then each enclosing field up to the form', () => {
    expect(formIdsOf('nodes[send].config.candidates[0].body')).toEqual(['root_candidates_0_body', 'root_candidates_0', 'root_candidates', 'root'])
    expect(formIdsOf('nodes[measure].config.withinDays')).toEqual(['root_withinDays', 'root'])
    expect(formIdsOf('nodes[trigger].config')).toEqual(['root'])
  })

  it('is none for a problem outside a step’s config', () => {
    expect(formIdsOf('nodes[wait]')).toEqual([])
    expect(formIdsOf('settings.holdout')).toEqual([])
  })
})

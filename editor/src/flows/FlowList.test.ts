import { describe, expect, it } from 'vitest'
import { FLOW_ID_PATTERN, flowSchema } from '../../../engine/flow/schema.ts'
import { blankFlow, idFromName } from './FlowList.tsx'

describe('a new blank campaign', () => {
  it('takes its id from the name, as a flow id, not one already taken', () => {
    expect(idFromName('Welcome back!', new Set())).toBe('welcome-back')
    expect(idFromName('  Café — été 2025 ', new Set())).toBe('cafe-ete-2025')
    expect(idFromName('Welcome back', new Set(['welcome-back', 'welcome-back-2']))).toBe('welcome-back-3')
    // A name with no Latin letters or digits still gets an id.
    expect(idFromName('欢迎回来', new Set())).toBe('campaign')
    expect(idFromName('x'.repeat(200), new Set())).toMatch(FLOW_ID_PATTERN)
  })

  it('is a flow file the server accepts, with no steps yet', () => {
    const flow = flowSchema.parse(blankFlow('welcome-back', 'Welcome back'))
    expect(flow).toMatchObject({ id: 'welcome-back', name: 'Welcome back', nodes: [], edges: [], settings: { entry: { policy: 'once' }, holdout: { percent: 10 } } })
  })
})

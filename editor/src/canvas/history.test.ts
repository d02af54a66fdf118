import { describe, expect, it } from 'vitest'
import { diffFlows } from '../../../engine/flow/diff.ts'
import type { Flow } from './flow-model.ts'
import { diffOverlay, ghostPositions, hasChanges, restoreVersion } from './history.ts'

const settings: Flow['settings'] = { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } }
/** v1 as published (no layout): in → wait → mail. */
const v1: Flow = {
  id: 'f', name: 'Welcome', version: 1, settings, layout: {},
  nodes: [
    { id: 'in', type: 'trigger', config: { event: { type: 'signup' } } },
    { id: 'wait', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
    { id: 'mail', type: 'choose-channel', config: { candidates: [] } },
  ],
  edges: [{ from: 'in', output: 'entered', to: 'wait' }, { from: 'wait', output: 'done', to: 'mail' }],
}
/** The draft: mail removed, the wait longer, a measure after it, laid out by hand. */
const draft: Flow = {
  $schema: '../schema/flow.schema.json', id: 'f', name: 'Welcome (new)', version: 1, settings,
  nodes: [
    { id: 'in', type: 'trigger', config: { event: { type: 'signup' } } },
    { id: 'wait', type: 'wait', config: { for: { amount: 2, unit: 'days' } } },
    { id: 'measure', type: 'measure', config: { event: 'purchase', withinDays: 7 } },
  ],
  edges: [{ from: 'in', output: 'entered', to: 'wait' }, { from: 'wait', output: 'done', to: 'measure' }],
  layout: { in: { x: 100, y: 0 }, wait: { x: 100, y: 200, pinned: true }, measure: { x: 500, y: 400 } },
}

describe('version history', () => {
  it('marks added and changed steps, ghosts removed ones and their edges, and marks rewired edges', () => {
    const overlay = diffOverlay(diffFlows(v1, draft), v1, draft, (type) => (type === 'choose-channel' ? ['sent', 'none'] : []))
    expect(overlay.nodes).toEqual({
      measure: { status: 'added', changes: [] },
      wait: { status: 'changed', changes: ['config.for.amount: 1 → 2'] },
    })
    expect(overlay.ghosts.map((g) => [g.node.id, g.outputs])).toEqual([['mail', ['sent', 'none']]])
    expect(overlay.ghostEdges).toEqual([{ from: 'wait', output: 'done', to: 'mail' }])
    expect(overlay.addedEdges).toEqual(['wait|done|measure'])
  })

  it('places a removed step where it stood relative to a neighbour still on the canvas, else beside the flow', () => {
    const { mail } = ghostPositions(v1, draft, ['mail'])
    // Below the wait, as in a top-to-bottom layout of v1, at the wait's hand-placed x.
    expect(mail?.x).toBe(100)
    expect(mail?.y).toBeGreaterThan(200 + 80)
    const alone = ghostPositions({ ...v1, edges: [] }, draft, ['mail'])
    expect(alone.mail?.x).toBeGreaterThan(500)
    expect(ghostPositions(v1, { ...draft, layout: { ...draft.layout, mail: { x: 7, y: 9 } } }, ['mail']).mail).toEqual({ x: 7, y: 9 })
  })

  it('restores a version as the draft: its logic, the draft\'s id, number, schema and layout', () => {
    const notes = [{ id: 'note-1', text: 'June sale', x: 0, y: 0 }]
    const restored = restoreVersion({ ...draft, version: 3, notes }, v1)
    expect(restored.notes).toEqual(notes)
    expect(restored.nodes).toEqual(v1.nodes)
    expect(restored.edges).toEqual(v1.edges)
    expect(restored.name).toBe('Welcome')
    expect(restored.version).toBe(3)
    expect(restored.$schema).toBe('../schema/flow.schema.json')
    expect(restored.layout.wait).toEqual({ x: 100, y: 200, pinned: true })
    expect(restored.layout.measure).toBeUndefined()
    expect(restored.layout.mail?.x).toBe(100)
    // Restored, the draft equals the version again (layout and the version number aside).
    expect(hasChanges(diffFlows(v1, restored))).toBe(false)
    expect(hasChanges(diffFlows(v1, draft))).toBe(true)
    expect(hasChanges(diffFlows(v1, { ...v1, name: 'Other' }))).toBe(true)
  })
})

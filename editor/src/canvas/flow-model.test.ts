import { describe, expect, it } from 'vitest'
import { addAfter, addNode, addNote, connect, copy, insertOnEdge, move, moveOnCanvas, noteCanvasId, parseClip, paste, remove, removeOnCanvas, setNoteText, type Flow } from './flow-model.ts'
import { autoLayout } from './layout.ts'

const base: Flow = {
  id: 'f', name: 'F', version: 1,
  nodes: [
    { id: 'in', type: 'trigger', config: {} },
    { id: 'wait', type: 'wait', config: {} },
  ],
  edges: [{ from: 'in', output: 'entered', to: 'wait' }],
  settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
  layout: { in: { x: 0, y: 0 }, wait: { x: 0, y: 280, pinned: true } },
}

describe('flow model edits', () => {
  it('adds nodes with fresh ids and connects one output to one node', () => {
    const { flow, id } = addNode(base, 'wait', { x: 10.4, y: 20.6 })
    expect(id).toBe('wait-2')
    expect(flow.layout['wait-2']).toEqual({ x: 10, y: 21 })
    const rewired = connect(flow, { from: 'in', output: 'entered', to: 'wait-2' })
    expect(rewired.edges).toEqual([{ from: 'in', output: 'entered', to: 'wait-2' }])
    expect(connect(flow, { from: 'wait', output: 'done', to: 'wait' })).toBe(flow)
  })

  it('adds after a handle and inserts into an edge, keeping the path', () => {
    const after = addAfter(base, 'wait', 'done', 'measure')
    expect(after.flow.edges).toContainEqual({ from: 'wait', output: 'done', to: 'measure' })
    expect(after.flow.layout.measure).toEqual({ x: 0, y: 420 })
    const inserted = insertOnEdge(base, base.edges[0] as Flow['edges'][number], 'filter-segment', 'match')
    expect(inserted.flow.edges).toEqual([
      { from: 'in', output: 'entered', to: 'filter-segment' },
      { from: 'filter-segment', output: 'match', to: 'wait' },
    ])
    expect(inserted.flow.layout['filter-segment']).toEqual({ x: 0, y: 140 })
  })

  it('a step dropped on an edge over the next step moves that step and the chain after it down, not pinned ones', () => {
    const chain: Flow = {
      ...base,
      nodes: [...base.nodes, { id: 'measure', type: 'measure', config: {} }, { id: 'side', type: 'wait', config: {} }],
      edges: [{ from: 'in', output: 'entered', to: 'wait' }, { from: 'wait', output: 'done', to: 'measure' }],
      layout: { in: { x: 0, y: 0 }, wait: { x: 0, y: 140 }, measure: { x: 0, y: 280, pinned: true }, side: { x: 0, y: 300 } },
    }
    // Dropped at y 100: it would cover `wait` (140): `wait` moves to 100 + 84 + 40; pinned `measure` and unrelated `side` stay.
    const inserted = insertOnEdge(chain, chain.edges[0] as Flow['edges'][number], 'throttle', 'pass', { x: 10, y: 100 })
    expect(inserted.flow.layout.throttle).toEqual({ x: 10, y: 100 })
    expect(inserted.flow.layout.wait).toEqual({ x: 0, y: 224 })
    expect(inserted.flow.layout.measure).toEqual({ x: 0, y: 280, pinned: true })
    expect(inserted.flow.layout.side).toEqual({ x: 0, y: 300 })
    // Unpinned, the chain after it moves by as much.
    const free = { ...chain, layout: { ...chain.layout, measure: { x: 0, y: 280 } } }
    expect(insertOnEdge(free, free.edges[0] as Flow['edges'][number], 'throttle', 'pass', { x: 10, y: 100 }).flow.layout.measure).toEqual({ x: 0, y: 364 })
    // Far to the side of the next step: nothing moves.
    expect(insertOnEdge(chain, chain.edges[0] as Flow['edges'][number], 'throttle', 'pass', { x: 400, y: 100 }).flow.layout.wait).toEqual({ x: 0, y: 140 })
  })

  it('removes nodes with their edges and layout', () => {
    const flow = remove(base, ['wait'])
    expect(flow.nodes.map((n) => n.id)).toEqual(['in'])
    expect(flow.edges).toEqual([])
    expect(Object.keys(flow.layout)).toEqual(['in'])
    expect(remove(base, [], [{ from: 'in', output: 'entered', to: 'wait' }]).edges).toEqual([])
  })

  it('copies and pastes between flows, renaming taken ids and keeping inner edges', () => {
    const clip = parseClip(JSON.stringify(copy(base, ['in', 'wait'])))
    expect(clip).not.toBeNull()
    const { flow, ids } = paste(base, clip as NonNullable<typeof clip>)
    expect(ids).toEqual(['trigger', 'wait-2'])
    expect(flow.edges).toContainEqual({ from: 'trigger', output: 'entered', to: 'wait-2' })
    expect(flow.layout['wait-2']).toEqual({ x: 40, y: 320 })
    expect(parseClip('just text')).toBeNull()
    expect(parseClip('{"nodes":[]}')).toBeNull()
  })

  it('moves nodes and keeps the pin; auto-layout never moves a pinned node', () => {
    expect(move(base, { wait: { x: 5, y: 6 } }).layout.wait).toEqual({ x: 5, y: 6, pinned: true })
    const positions = autoLayout(base)
    expect(Object.keys(positions)).toEqual(['in'])
    const unpinned = { ...base, layout: { in: { x: 0, y: 0 }, wait: { x: 900, y: 900 } } }
    const laid = autoLayout(unpinned)
    expect((laid.wait?.y ?? 0) - (laid.in?.y ?? 0)).toBeGreaterThan(80)
    expect(laid.wait?.x).toBe(laid.in?.x)
  })
})

describe('sticky notes', () => {
  it('adds, edits, moves with steps in one drag, and deletes notes; the last one gone leaves no notes key', () => {
    const first = addNote(base, { x: 10.2, y: 20.7 }, 'Check the copy')
    expect(first.id).toBe('note-1')
    expect(first.flow.notes).toEqual([{ id: 'note-1', text: 'Check the copy', x: 10, y: 21 }])
    const second = addNote(first.flow, { x: 0, y: 0 })
    expect(second.id).toBe('note-2')
    const edited = setNoteText(second.flow, 'note-2', 'Ask legal')
    expect(edited.notes?.[1]?.text).toBe('Ask legal')
    const moved = moveOnCanvas(edited, { [noteCanvasId('note-1')]: { x: 300, y: 40 }, in: { x: 5, y: 5 } })
    expect(moved.notes?.[0]).toEqual({ id: 'note-1', text: 'Check the copy', x: 300, y: 40 })
    expect(moved.layout.in).toEqual({ x: 5, y: 5 })
    // The logic did not change: nodes and edges are the same objects.
    expect(moved.nodes).toBe(base.nodes)
    expect(moved.edges).toBe(base.edges)
    const fewer = removeOnCanvas(moved, [noteCanvasId('note-2'), 'wait'])
    expect(fewer.notes?.map((n) => n.id)).toEqual(['note-1'])
    expect(fewer.nodes.map((n) => n.id)).toEqual(['in'])
    const none = removeOnCanvas(fewer, [noteCanvasId('note-1')])
    expect('notes' in none).toBe(false)
  })
})

import type { Node } from '@xyflow/react'
import { describe, expect, it } from 'vitest'
import { sameData, sameNode, stableNodes, type Size } from './canvas-nodes.ts'

const data = (title: string) => ({ title, outputs: ['done'] })
const node = (id: string, x: number, d: Record<string, unknown>, extra: Partial<Node> = {}): Node => ({ id, type: 'step', position: { x, y: 0 }, data: d, ...extra })

describe('stable canvas nodes', () => {
  const a = data('A')
  const b = data('B')
  const before = [node('a', 0, a, { measured: { width: 200, height: 80 } }), node('b', 100, b, { measured: { width: 210, height: 90 } })]
  const previous = new Map(before.map((n) => [n.id, n]))
  const sizes = new Map<string, Size>([['a', { width: 200, height: 80 }], ['b', { width: 210, height: 90 }]])

  it('hands back the same object for a node that did not change, even with a new position object of the same place', () => {
    const [sameA, sameB] = stableNodes([node('a', 0, a), node('b', 100, b)], previous, sizes)
    expect(sameA).toBe(before[0])
    expect(sameB).toBe(before[1])
  })

  it('gives a node that only moved or changed selection its measured size', () => {
    const [moved, picked] = stableNodes([node('a', 40, a), node('b', 100, b, { selected: true })], previous, sizes)
    expect(moved).not.toBe(before[0])
    expect(moved?.position).toEqual({ x: 40, y: 0 })
    expect(moved?.measured).toEqual({ width: 200, height: 80 })
    expect(picked?.measured).toEqual({ width: 210, height: 90 })
  })

  it('hands a node React Flow measured since over again with its size, so the minimap can draw it', () => {
    const unmeasured = node('a', 0, a)
    const [again] = stableNodes([node('a', 0, a)], new Map([['a', unmeasured]]), sizes)
    expect(again).not.toBe(unmeasured)
    expect(again?.measured).toEqual({ width: 200, height: 80 })
    const [resized] = stableNodes([node('a', 0, a)], previous, new Map([['a', { width: 200, height: 100 }]]))
    expect(resized?.measured).toEqual({ width: 200, height: 100 })
  })

  it('leaves a node whose data changed, a new node and a node never measured without a size, so React Flow measures them', () => {
    const fresh = stableNodes([node('a', 40, data('A')), node('c', 0, a), node('b', 120, b)], previous, new Map([['a', { width: 200, height: 80 }]]))
    expect(fresh.map((n) => n.measured)).toEqual([undefined, undefined, undefined])
  })

  it('compares flags too: a node turned read-only is a new object', () => {
    expect(sameNode(node('a', 0, a, { draggable: true }), node('a', 0, a, { draggable: false }))).toBe(false)
    expect(sameNode(node('a', 0, a, { measured: { width: 1, height: 1 } }), node('a', 0, a))).toBe(true)
  })

  it('reuses a data object that reads the same, arrays compared by item', () => {
    const old: Record<string, unknown> = { title: 'A', outputs: ['yes', 'no'], count: null }
    expect(sameData(old, { title: 'A', outputs: ['yes', 'no'], count: null })).toBe(old)
    const renamed = { title: 'A', outputs: ['yes', 'maybe'], count: null }
    expect(sameData(old, renamed)).toBe(renamed)
    const counted = { title: 'A', outputs: ['yes', 'no'], count: 3 }
    expect(sameData(old, counted)).toBe(counted)
    const extra = { title: 'A', outputs: ['yes', 'no'], count: null, diff: 'added' }
    expect(sameData(old, extra)).toBe(extra)
    expect(sameData(undefined, old)).toBe(old)
  })
})

/**
 * Keeping the canvas's node objects stable between renders (decisions §35). React Flow treats a
 * node object it has not seen as a new node: without `measured` it hides it, measures it again
 * (size and every handle) and draws none of its edges until then. The canvas builds its node
 * list from the store on every drag step, so without this each step re-measured all 300 nodes of
 * a big flow and unmounted and remounted every edge.
 *
 * - A node equal to the one handed over last time (same position, data object, selection and
 *   flags) is that same object, so React Flow skips it.
 * - A node that only moved or changed selection carries React Flow's last measurement
 *   (`measured`), so it keeps its size and handle bounds.
 * - A node whose data changed is handed over without `measured` and is measured again, as
 *   before: its content, and with it its size or its handles' places, may have changed.
 * - A node React Flow measured since it was handed over is handed over again with that size:
 *   the minimap draws only user nodes that carry one.
 */
import type { Node } from '@xyflow/react'

export interface Size {
  width: number
  height: number
}

/** Same position (by value) and own keys other than `measured` holding the same values (by identity). */
export function sameNode(a: Node, b: Node): boolean {
  if (a.position.x !== b.position.x || a.position.y !== b.position.y) return false
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  keys.delete('measured')
  keys.delete('position')
  for (const key of keys) if ((a as Record<string, unknown>)[key] !== (b as Record<string, unknown>)[key]) return false
  return true
}

/**
 * `built` with each node replaced by `previous`'s object when equal, or given its measured size
 * from `sizes` when only its position or selection changed.
 */
export function stableNodes<N extends Node>(built: readonly N[], previous: ReadonlyMap<string, N>, sizes: ReadonlyMap<string, Size>): N[] {
  return built.map((node) => {
    const before = previous.get(node.id)
    const size = sizes.get(node.id)
    if (before && sameNode(before, node) && (!size || sameSize(before.measured, size))) return before
    return before && size && before.data === node.data && before.type === node.type ? { ...node, measured: size } : node
  })
}

function sameSize(a: Partial<Size> | undefined, b: Size): boolean {
  return a?.width === b.width && a?.height === b.height
}

/** Reuses `before` when every own key of `next` holds the same value (arrays compared by item). */
export function sameData<T extends Record<string, unknown>>(before: T | undefined, next: T): T {
  if (!before) return next
  const keys = new Set([...Object.keys(before), ...Object.keys(next)])
  for (const key of keys) {
    const a = before[key]
    const b = next[key]
    if (a === b) continue
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => item === b[i])) continue
    return next
  }
  return before
}

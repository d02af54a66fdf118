/**
 * Graph helpers over node ids and their successors, shared by verification (cycles without a
 * wait) and the executor (naming the loop a customer is caught in). Browser-safe.
 */

/** Tarjan's strongly connected components; each component lists ids in the order given. */
export function stronglyConnected(ids: readonly string[], next: ReadonlyMap<string, readonly string[]>): string[][] {
  const order = new Map(ids.map((id, i) => [id, i]))
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const components: string[][] = []
  let counter = 0
  // Iterative, so a long chain of nodes cannot overflow the call stack.
  for (const root of ids) {
    if (index.has(root)) continue
    const work: { id: string; child: number }[] = [{ id: root, child: 0 }]
    index.set(root, counter)
    low.set(root, counter++)
    stack.push(root)
    onStack.add(root)
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; child: number }
      const children = next.get(frame.id) ?? []
      if (frame.child < children.length) {
        const child = children[frame.child++] as string
        if (!index.has(child)) {
          index.set(child, counter)
          low.set(child, counter++)
          stack.push(child)
          onStack.add(child)
          work.push({ id: child, child: 0 })
        } else if (onStack.has(child)) low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(child) as number))
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number))
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = []
        let member: string | undefined
        do {
          member = stack.pop() as string
          onStack.delete(member)
          component.push(member)
        } while (member !== frame.id)
        components.push(component.sort((a, b) => (order.get(a) as number) - (order.get(b) as number)))
      }
    }
  }
  return components
}

/** One concrete loop from `start` back to it within `members` (breadth-first, so the shortest). */
export function cyclePath(start: string, members: ReadonlySet<string>, next: ReadonlyMap<string, readonly string[]>): string[] {
  const parent = new Map<string, string>()
  const queue = [start]
  for (const id of queue) {
    for (const child of next.get(id) ?? []) {
      if (!members.has(child)) continue
      if (child === start) {
        const path = [start]
        for (let at: string | undefined = id; at !== undefined && at !== start; at = parent.get(at)) path.splice(1, 0, at)
        return [...path, start]
      }
      if (!parent.has(child)) {
        parent.set(child, id)
        queue.push(child)
      }
    }
  }
  return [start, start]
}

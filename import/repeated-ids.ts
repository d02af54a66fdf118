/**
 * Finds ids a file repeats without holding every id in memory. The importer reads its file
 * twice anyway: the first pass keeps a 32-bit hash per id (4–8 bytes a row in a typed array,
 * not a string and a map entry) and notes the hashes it meets twice; the second pass keeps the
 * ids behind those few hashes only, so it can name the line an id was first seen on. Hash
 * collisions cost a map entry, never a wrong answer: the second pass compares the ids themselves.
 */

const INITIAL_SLOTS = 1 << 16

/** FNV-1a over UTF-16 code units; 0 is the empty slot, so it is folded onto 1. */
export function hashId(id: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193)
  return hash >>> 0 || 1
}

/** First pass: an open-addressing set of id hashes that remembers which came twice. */
export class IdHashScan {
  private slots = new Uint32Array(INITIAL_SLOTS)
  private size = 0
  private readonly repeated = new Set<number>()

  observe(id: string): void {
    const hash = hashId(id)
    if (!this.insert(hash)) this.repeated.add(hash)
  }

  /** The second pass, which confirms the repeated hashes against the ids themselves. */
  finish(): RepeatedIds {
    this.slots = new Uint32Array(0)
    return new RepeatedIds(this.repeated)
  }

  /** Adds `hash`; false when it was already there. */
  private insert(hash: number): boolean {
    if (this.size * 2 >= this.slots.length) this.grow()
    const mask = this.slots.length - 1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!
      if (held === hash) return false
      if (held === 0) {
        this.slots[slot] = hash
        this.size++
        return true
      }
    }
  }

  private grow(): void {
    const old = this.slots
    this.slots = new Uint32Array(old.length * 2)
    this.size = 0
    for (const hash of old) if (hash !== 0) this.insert(hash)
  }
}

/** Second pass: the line each repeated id was first kept on. */
export class RepeatedIds {
  private readonly firstLines = new Map<string, number>()

  constructor(private readonly hashes: ReadonlySet<number>) {}

  /** Records `id` as kept on `line`; returns the earlier line when the id was kept before. */
  seen(id: string, line: number): number | undefined {
    if (this.hashes.size === 0 || !this.hashes.has(hashId(id))) return undefined
    const first = this.firstLines.get(id)
    if (first !== undefined) return first
    this.firstLines.set(id, line)
    return undefined
  }
}

/**
 * The node registry: every node type the engine, verifier, editor and docs know, by type and
 * version. Browser-safe (no file access); loading from folders is in load-nodes.ts.
 */
import { NodeDeclarationError } from '../errors.ts'
import type { AnyNodeDefinition } from '../sdk/define-node.ts'
import { checkDeclaration } from '../sdk/check-declaration.ts'
import { NODE_CATEGORIES } from '../sdk/types.ts'

/** How a flow node's `type` and `version` resolve against the registry. */
export type Resolution =
  | { ok: true; definition: AnyNodeDefinition; /** Versions whose migrations run before the config fits `definition` (empty when pinned exactly). */ migrateFrom?: number }
  | { ok: false; code: 'unknown-type' | 'unknown-version'; message: string }

interface Entry {
  definition: AnyNodeDefinition
  source: string
}

/** Node types by type and version. */
export class NodeRegistry {
  readonly #types = new Map<string, Map<number, Entry>>()

  /**
   * Adds a definition. `source` (a file path, or `inline`) names where it came from in errors.
   * Throws {@link NodeDeclarationError} for an invalid declaration, a (type, version) already
   * registered, or a type that another source already declares (all versions of a type come
   * from one place, so a custom node cannot silently shadow a built-in).
   */
  register(definition: AnyNodeDefinition, source = 'inline'): void {
    const problems = checkDeclaration(definition)
    const type = typeof definition?.type === 'string' ? definition.type : '(no type)'
    if (problems.length > 0) {
      throw new NodeDeclarationError(`${source}: node type '${type}' is not a valid declaration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    }
    const versions = this.#types.get(type) ?? new Map<number, Entry>()
    const other = [...versions.values()].find((e) => e.source !== source)
    if (other) {
      throw new NodeDeclarationError(`${source}: node type '${type}' is already declared by ${other.source}; type names must be unique (rename one of them)`)
    }
    if (versions.has(definition.version)) {
      throw new NodeDeclarationError(`${source}: node type '${type}' version ${definition.version} is declared twice`)
    }
    // Plain objects (not made by defineNode) may leave the defaults out.
    const filled = { ...definition, timing: definition.timing ?? 'instant', cohort: definition.cohort ?? 'batches' }
    versions.set(definition.version, { definition: Object.freeze(filled), source })
    this.#types.set(type, versions)
  }

  /** True when the type is registered (any version). */
  has(type: string): boolean {
    return this.#types.has(type)
  }

  /** The definition of `type` at `version`, or the latest version when `version` is omitted. */
  get(type: string, version?: number): AnyNodeDefinition | undefined {
    const versions = this.#types.get(type)
    if (!versions) return undefined
    if (version !== undefined) return versions.get(version)?.definition
    return versions.get(Math.max(...versions.keys()))?.definition
  }

  /** Registered versions of a type, ascending. */
  versions(type: string): number[] {
    return [...(this.#types.get(type)?.keys() ?? [])].sort((a, b) => a - b)
  }

  /** Where a type was loaded from (file path), for messages and docs. */
  sourceOf(type: string): string | undefined {
    return this.#types.get(type)?.values().next().value?.source
  }

  /** Registered type names, sorted. */
  types(): string[] {
    return [...this.#types.keys()].sort()
  }

  /** The latest version of every type, in palette order (category, then type). */
  list(): AnyNodeDefinition[] {
    return this.types()
      .map((type) => this.get(type) as AnyNodeDefinition)
      .sort((a, b) => NODE_CATEGORIES.indexOf(a.category) - NODE_CATEGORIES.indexOf(b.category) || a.type.localeCompare(b.type))
  }

  /**
   * Resolves a flow node: an exactly registered version runs as pinned; an older unregistered
   * version resolves to the latest when migrations cover every step; otherwise it is unknown.
   */
  resolve(type: string, version?: number): Resolution {
    const latest = this.get(type)
    if (!latest) {
      const known = this.types()
      return { ok: false, code: 'unknown-type', message: `unknown node type "${type}"${known.length > 0 ? ` (known: ${known.join(', ')})` : ' (no node types are registered)'}` }
    }
    if (version === undefined || version === latest.version) return { ok: true, definition: latest }
    const exact = this.get(type, version)
    if (exact) return { ok: true, definition: exact }
    if (Number.isInteger(version) && version >= 1 && version < latest.version && this.#migration(type, version, latest.version)) {
      return { ok: true, definition: latest, migrateFrom: version }
    }
    return {
      ok: false,
      code: 'unknown-version',
      message: `node type "${type}" has no version ${version} and no migration from it (versions: ${this.versions(type).join(', ')})`,
    }
  }

  /**
   * Upgrades a config of `type` from version `from` to the latest version by applying each
   * N → N+1 migration in order. Throws when a step is missing (check with resolve first).
   */
  upgradeConfig(type: string, from: number, config: Record<string, unknown>): { version: number; config: Record<string, unknown> } {
    const latest = this.get(type)
    if (!latest) throw new NodeDeclarationError(`unknown node type "${type}"`)
    const steps = this.#migration(type, from, latest.version)
    if (!steps) throw new NodeDeclarationError(`node type "${type}" has no migration path from version ${from} to ${latest.version}`)
    let current = config
    for (const step of steps) current = step(current)
    return { version: latest.version, config: current }
  }

  /** The migration functions from `from` to `to`: step N is found on the latest declaration, or on version N+1's. */
  #migration(type: string, from: number, to: number): ((old: Record<string, unknown>) => Record<string, unknown>)[] | undefined {
    const latest = this.get(type)
    const steps: ((old: Record<string, unknown>) => Record<string, unknown>)[] = []
    for (let n = from; n < to; n++) {
      const step = latest?.migrate?.[n] ?? this.get(type, n + 1)?.migrate?.[n]
      if (!step) return undefined
      steps.push(step)
    }
    return steps
  }
}

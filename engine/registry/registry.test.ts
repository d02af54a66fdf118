import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { NodeDeclarationError } from '../errors.ts'
import { defineNode } from '../sdk/define-node.ts'
import { NodeRegistry } from './registry.ts'

function splitNode(version: number, migrate?: Record<number, (old: Record<string, unknown>) => Record<string, unknown>>) {
  return defineNode({
    type: 'split',
    version,
    title: `Split v${version}`,
    category: 'flow',
    description: 'Test split.',
    icon: 'split',
    config: version === 1 ? z.object({ share: z.number() }) : z.object({ percent: z.number().min(0).max(100) }),
    outputs: ['a', 'b'],
    ...(migrate ? { migrate } : {}),
    async run({ customers }) {
      return { routes: { a: customers } }
    },
  })
}

const toV2 = (old: Record<string, unknown>) => ({ percent: Number(old.share) * 100 })

describe('NodeRegistry', () => {
  it('holds several versions of a type and answers the latest by default', () => {
    const registry = new NodeRegistry()
    registry.register(splitNode(1), 'nodes/split/index.ts')
    registry.register(splitNode(2, { 1: toV2 }), 'nodes/split/index.ts')
    expect(registry.versions('split')).toEqual([1, 2])
    expect(registry.get('split')?.version).toBe(2)
    expect(registry.get('split', 1)?.title).toBe('Split v1')
    expect(registry.get('split', 3)).toBeUndefined()
    expect(registry.sourceOf('split')).toBe('nodes/split/index.ts')
  })

  it('runs a pinned, registered version as it is', () => {
    const registry = new NodeRegistry()
    registry.register(splitNode(1))
    registry.register(splitNode(2, { 1: toV2 }))
    const resolution = registry.resolve('split', 1)
    expect(resolution.ok && resolution.definition.version).toBe(1)
    expect(resolution.ok && resolution.migrateFrom).toBeUndefined()
  })

  it('resolves an old unregistered version through migrations and upgrades its config', () => {
    const registry = new NodeRegistry()
    registry.register(splitNode(2, { 1: toV2 }))
    const resolution = registry.resolve('split', 1)
    expect(resolution).toMatchObject({ ok: true, migrateFrom: 1 })
    expect(registry.upgradeConfig('split', 1, { share: 0.25 })).toEqual({ version: 2, config: { percent: 25 } })
  })

  it('reports unknown types and versions it cannot reach', () => {
    const registry = new NodeRegistry()
    registry.register(splitNode(2))
    expect(registry.resolve('splat')).toMatchObject({ ok: false, code: 'unknown-type', message: 'unknown node type "splat" (known: split)' })
    expect(registry.resolve('split', 1)).toMatchObject({ ok: false, code: 'unknown-version', message: 'node type "split" has no version 1 and no migration from it (versions: 2)' })
    expect(registry.resolve('split', 7)).toMatchObject({ ok: false, code: 'unknown-version' })
  })

  it('refuses the same type from two sources and the same version twice', () => {
    const registry = new NodeRegistry()
    registry.register(splitNode(1), 'nodes/split/index.ts')
    expect(() => registry.register(splitNode(2), 'custom/split/index.ts')).toThrow(
      "custom/split/index.ts: node type 'split' is already declared by nodes/split/index.ts; type names must be unique (rename one of them)",
    )
    expect(() => registry.register(splitNode(1), 'nodes/split/index.ts')).toThrow("node type 'split' version 1 is declared twice")
  })

  it('refuses plain objects that are not valid declarations, naming the source and type', () => {
    const registry = new NodeRegistry()
    const attempt = () => registry.register({ type: 'loose', version: 1 } as never, 'custom/loose.ts')
    expect(attempt).toThrow(NodeDeclarationError)
    expect(attempt).toThrow(/custom\/loose.ts: node type 'loose' is not a valid declaration:[\s\S]*title: expected a non-empty string/)
  })

  it('lists the latest version of each type in palette order', () => {
    const registry = new NodeRegistry()
    registry.register(splitNode(1))
    const trigger = defineNode({
      type: 'entry', version: 1, title: 'Entry', category: 'trigger', description: 'Entry.', icon: 'bolt',
      config: z.object({}), outputs: ['entered'], async run({ customers }) { return { routes: { entered: customers } } },
    })
    registry.register(trigger)
    expect(registry.list().map((d) => d.type)).toEqual(['entry', 'split'])
    expect(registry.types()).toEqual(['entry', 'split'])
  })
})

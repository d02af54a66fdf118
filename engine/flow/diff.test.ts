import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { diffFlows, formatFlowDiff, isEmptyDiff } from './diff.ts'
import { type Flow, flowSchema } from './schema.ts'

const welcome = (): Flow =>
  flowSchema.parse(JSON.parse(readFileSync(fileURLToPath(new URL('../../test/fixtures/flows/valid/welcome.flow.json', import.meta.url)), 'utf8')))

describe('diffFlows', () => {
  it('finds nothing between a flow and itself, and ignores layout, notes and order', () => {
    const a = welcome()
    const b = welcome()
    b.layout = { entry: { x: 999, y: 999 } }
    b.notes = [{ id: 'note-1', text: 'Ask legal about the SMS copy', x: 10, y: 20 }]
    b.nodes.reverse()
    b.edges.reverse()
    const diff = diffFlows(a, b)
    expect(isEmptyDiff(diff)).toBe(true)
    expect(formatFlowDiff(diff, { a: 'v3', b: 'v4' })).toBe('no changes between v3 and v4 (layout and notes ignored)\n')
  })

  it('reports added and removed nodes, config, type and version changes, rewired edges and settings', () => {
    const a = welcome()
    const b = welcome()
    b.version = 4
    b.nodes = b.nodes.filter((n) => n.id !== 'send-b')
    b.nodes.push({ id: 'send-push', type: 'test-send', config: { channel: 'push', template: 'welcome-b' } })
    const wait = b.nodes.find((n) => n.id === 'wait-1')!
    wait.config = { hours: 48 }
    const split = b.nodes.find((n) => n.id === 'split-1')!
    split.config = { variants: [{ name: 'A', weight: 1 }, { name: 'B', weight: 3 }], salt: 'spring' }
    split.version = 3
    b.edges = b.edges.map((e) => (e.from === 'split-1' && e.output === 'B' ? { ...e, to: 'send-push' } : e))
    b.edges.push({ from: 'send-a', output: 'sent', to: 'send-push' })
    b.edges = b.edges.filter((e) => !(e.from === 'vip' && e.output === 'match'))
    b.settings.holdout.percent = 5
    b.settings.goal = undefined

    const diff = diffFlows(a, b)
    expect(diff).toEqual({
      flow: [{ path: 'version', from: 3, to: 4 }],
      nodesAdded: [{ id: 'send-push', type: 'test-send' }],
      nodesRemoved: [{ id: 'send-b', type: 'test-send' }],
      nodesChanged: [
        {
          id: 'split-1', type: 'ab-split', versionChanged: { from: 2, to: 3 },
          config: [{ path: 'config.salt', to: 'spring' }, { path: 'config.variants[1].weight', from: 1, to: 3 }],
        },
        { id: 'wait-1', type: 'test-wait', config: [{ path: 'config.hours', from: 24, to: 48 }] },
      ],
      edgesAdded: [{ from: 'send-a', output: 'sent', to: 'send-push' }],
      edgesRemoved: [{ from: 'vip', output: 'match', to: 'send-vip' }],
      edgesRewired: [{ from: 'split-1', output: 'B', toBefore: 'send-b', toAfter: 'send-push' }],
      settings: [
        { path: 'goal', from: { event: 'purchase', where: { channel: 'app' }, withinDays: 14 } },
        { path: 'holdout.percent', from: 10, to: 5 },
      ],
    })
    expect(formatFlowDiff(diff, { a: 'welcome v3', b: 'welcome v4' })).toBe(
      [
        'welcome v3 → welcome v4',
        'flow',
        '  ~ version: 3 → 4',
        'nodes',
        '  + send-push (test-send) added',
        '  - send-b (test-send) removed',
        '  ~ split-1 (ab-split)',
        '      version: 2 → 3',
        '      config.salt: (none) → "spring"',
        '      config.variants[1].weight: 1 → 3',
        '  ~ wait-1 (test-wait)',
        '      config.hours: 24 → 48',
        'edges',
        '  ~ split-1 [B]: → send-b becomes → send-push',
        '  + send-a [sent] → send-push',
        '  - vip [match] → send-vip',
        'settings',
        '  ~ goal: {"event":"purchase","where":{"channel":"app"},"withinDays":14} → (none)',
        '  ~ holdout.percent: 10 → 5',
        '',
      ].join('\n'),
    )
  })

  it('reports a node whose type changed under the same id', () => {
    const a = welcome()
    const b = welcome()
    const node = b.nodes.find((n) => n.id === 'send-vip')!
    node.type = 'test-filter'
    node.config = { attribute: 'tier', equals: 'gold' }
    const [change] = diffFlows(a, b).nodesChanged
    expect(change).toMatchObject({ id: 'send-vip', type: 'test-filter', typeChanged: { from: 'test-send', to: 'test-filter' } })
    expect(change?.config.map((c) => c.path)).toEqual(['config.attribute', 'config.channel', 'config.equals', 'config.template'])
  })
})

import { expect, it } from 'vitest'
import { describeEngineStore, run, T0 } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('runs', (ctx) => {
  it('stores flow versions immutably: identical is a no-op, different content under the same number is a conflict', async () => {
    const v1 = { flowId: 'welcome', version: 1, definition: '{"a":1}', publishedAt: T0 }
    expect(await ctx.engine.saveFlowVersion(v1)).toBe('created')
    expect(await ctx.engine.saveFlowVersion(v1)).toBe('exists')
    expect(await ctx.engine.saveFlowVersion({ ...v1, definition: '{"a":2}' })).toBe('conflict')
    await ctx.engine.saveFlowVersion({ ...v1, version: 2, definition: '{"a":3}' })
    expect((await ctx.engine.listFlowVersions('welcome')).map((v) => v.version)).toEqual([2, 1])
    expect(await ctx.engine.getFlowVersion('welcome', 1)).toEqual(v1)
    expect(await ctx.engine.getFlowVersion('welcome', 3)).toBeUndefined()
    expect(await ctx.engine.listFlowVersions('other')).toEqual([])
  })

  it('keeps flow drafts with optimistic revisions', async () => {
    const draft = { flowId: 'welcome', name: 'Welcome', definition: '{"a":1}', revision: 1, createdAt: T0, updatedAt: T0, updatedBy: 'ana', archivedAt: null }
    expect(await ctx.engine.saveFlowDraft(draft, null)).toBe('saved')
    expect(await ctx.engine.saveFlowDraft(draft, null)).toBe('conflict')
    expect(await ctx.engine.saveFlowDraft({ ...draft, definition: '{"a":2}', revision: 2, updatedAt: T0 + 1 }, 1)).toBe('saved')
    expect(await ctx.engine.saveFlowDraft({ ...draft, definition: '{"a":3}', revision: 2 }, 1)).toBe('conflict')
    expect(await ctx.engine.getFlowDraft('welcome')).toEqual({ ...draft, definition: '{"a":2}', revision: 2, updatedAt: T0 + 1 })
    await ctx.engine.saveFlowDraft({ ...draft, flowId: 'another', updatedBy: null, archivedAt: T0 + 9 }, null)
    expect((await ctx.engine.listFlowDrafts()).map((d) => [d.flowId, d.archivedAt, d.updatedBy])).toEqual([['another', T0 + 9, null], ['welcome', null, 'ana']])
    expect(await ctx.engine.getFlowDraft('nope')).toBeUndefined()
  })

  it('keeps runs and updates only the named fields', async () => {
    await ctx.engine.insertRun(run('r1'))
    await ctx.engine.insertRun({ ...run('r2', 'other'), createdAt: T0 + 1 })
    await ctx.engine.updateRun('r1', { state: 'paused', accepting: false, updatedAt: T0 + 5 })
    expect(await ctx.engine.getRun('r1')).toEqual({ ...run('r1'), state: 'paused', accepting: false, updatedAt: T0 + 5 })
    expect((await ctx.engine.listRuns({ states: ['paused'] })).map((r) => r.id)).toEqual(['r1'])
    expect((await ctx.engine.listRuns({ flowId: 'other' })).map((r) => r.id)).toEqual(['r2'])
    expect((await ctx.engine.listRuns()).map((r) => r.id)).toEqual(['r1', 'r2'])
    expect(await ctx.engine.getRun('nope')).toBeUndefined()
  })

  it('filters runs by flow and several states at once, oldest first, and keeps policy, replaces and options as written', async () => {
    await ctx.engine.insertRun({ ...run('r1'), state: 'completed' })
    await ctx.engine.insertRun({ ...run('r2'), createdAt: T0 + 2, policy: 'migrate', replaces: 'r1', options: '{"batchSize":7}' })
    await ctx.engine.insertRun({ ...run('r3'), state: 'paused', createdAt: T0 + 1 })
    await ctx.engine.insertRun({ ...run('r4', 'other'), state: 'paused' })
    expect((await ctx.engine.listRuns({ flowId: 'welcome', states: ['running', 'paused'] })).map((r) => r.id)).toEqual(['r3', 'r2'])
    expect((await ctx.engine.listRuns({ states: [] })).map((r) => r.id)).toEqual([])
    expect(await ctx.engine.getRun('r2')).toMatchObject({ policy: 'migrate', replaces: 'r1', options: '{"batchSize":7}', accepting: true })
    // A patch naming no column (or only undefined ones) changes nothing.
    await ctx.engine.updateRun('r2', { state: undefined })
    expect((await ctx.engine.getRun('r2'))?.state).toBe('running')
  })
})

import { describe, expect, it } from 'vitest'
import { moveRun, newRunLifecycle } from './run-machine.ts'

describe('run lifecycle', () => {
  it('goes draft → running ⇄ paused → cancelled, and the snapshot survives JSON', () => {
    let run = newRunLifecycle()
    expect(run.state).toBe('draft')
    run = moveRun('r1', run, { type: 'start' })
    run = JSON.parse(JSON.stringify(moveRun('r1', run, { type: 'pause' })))
    expect(run.state).toBe('paused')
    run = moveRun('r1', run, { type: 'resume' })
    expect(run.state).toBe('running')
    run = moveRun('r1', run, { type: 'cancel' })
    expect(run.state).toBe('cancelled')
  })

  it('refuses moves the state does not allow, naming the run and the state', () => {
    const cancelled = moveRun('r1', newRunLifecycle(), { type: 'cancel' })
    expect(() => moveRun('r1', cancelled, { type: 'resume' })).toThrow(/run "r1" is cancelled: it cannot resume/)
    const running = moveRun('r2', newRunLifecycle(), { type: 'start' })
    expect(() => moveRun('r2', running, { type: 'start' })).toThrow(/is running/)
  })

  it('schedules a draft and starts it later', () => {
    const scheduled = moveRun('r3', newRunLifecycle(), { type: 'schedule' })
    expect(scheduled.state).toBe('scheduled')
    expect(moveRun('r3', scheduled, { type: 'start' }).state).toBe('running')
  })
})

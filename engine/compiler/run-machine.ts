/**
 * The lifecycle of a run as an xstate machine: draft → scheduled → running ⇄ paused →
 * completed | cancelled. The engine keeps the persisted snapshot on the run row and moves it
 * only with the pure `transition()`, so an illegal move (resuming a cancelled run) is refused by
 * the machine, not by scattered if-statements.
 */
import { createMachine, initialTransition, transition } from 'xstate'
import { UserError } from '../errors.ts'

/** Run states. */
export const RUN_STATES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'] as const
export type RunState = (typeof RUN_STATES)[number]

/** Events that move a run. */
export type RunEvent = { type: 'schedule' } | { type: 'start' } | { type: 'pause' } | { type: 'resume' } | { type: 'complete' } | { type: 'cancel' }

/** The run lifecycle machine. */
export const runMachine = createMachine({
  id: 'run',
  types: {} as { events: RunEvent },
  initial: 'draft',
  states: {
    draft: { on: { schedule: 'scheduled', start: 'running', cancel: 'cancelled' } },
    scheduled: { on: { start: 'running', pause: 'paused', cancel: 'cancelled' } },
    running: { on: { pause: 'paused', complete: 'completed', cancel: 'cancelled' } },
    paused: { on: { resume: 'running', cancel: 'cancelled' } },
    completed: { type: 'final' },
    cancelled: { type: 'final' },
  },
})

/** A run's lifecycle as stored: the state name and xstate's persisted snapshot (JSON-safe). */
export interface RunLifecycle {
  state: RunState
  snapshot: unknown
}

/** The lifecycle of a new run (draft). */
export function newRunLifecycle(): RunLifecycle {
  const [snapshot] = initialTransition(runMachine)
  return { state: snapshot.value as RunState, snapshot: runMachine.getPersistedSnapshot(snapshot) }
}

/** Applies `event` to a stored lifecycle; throws a UserError when the run cannot take it in its state. */
export function moveRun(runId: string, lifecycle: RunLifecycle, event: RunEvent): RunLifecycle {
  const stored = lifecycle.snapshot as { value?: unknown } | null
  const value = typeof stored?.value === 'string' ? stored.value : lifecycle.state
  const current = runMachine.resolveState({ value })
  if (!current.can(event)) {
    throw new UserError('run.state', `run "${runId}" is ${lifecycle.state}: it cannot ${event.type}`)
  }
  const [next] = transition(runMachine, current, event)
  return { state: next.value as RunState, snapshot: runMachine.getPersistedSnapshot(next) }
}

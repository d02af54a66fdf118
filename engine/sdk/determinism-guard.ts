/**
 * Determinism guarded at run time, as Temporal guards workflow code: while a node's `run`
 * executes, the wall clock (`Date.now()`, `new Date()`, `Date()`, `performance.now()`),
 * unkeyed randomness (`Math.random()`, `crypto.randomUUID()`, `crypto.getRandomValues()` and
 * node:crypto's `randomUUID`, `randomBytes`, `randomInt`), timers (`setTimeout`,
 * `setInterval`, `setImmediate`) and `process.env` throw a {@link DeterminismError} naming the
 * node and the call, because a run that reads them cannot be replayed, simulated or forecast.
 *
 * The globals are patched once, on the first guarded run; each patched function asks an
 * AsyncLocalStorage whether node code is running. That storage is set only inside
 * {@link runNodeGuarded} and follows the node's own awaits, so engine code, the store and the
 * drivers, which run outside it, see the real functions (a check of one `getStore()`). What the
 * node calls back into the engine through ctx (data, clock, log) runs outside the guard too:
 * see {@link outsideNodeCode}.
 *
 * The lint rule (eslint.config.js) catches the same calls where they are written; this catches
 * what lint cannot see: a call through an alias, a library the node imports, a folder linted
 * by nobody.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { SluiceError } from '../errors.ts'

/** `throw` fails the node's run, `warn` lets the call through and warns once per node and call, `off` does not guard. */
export type DeterminismGuardMode = 'throw' | 'warn' | 'off'

export const DETERMINISM_GUARD_MODES = ['throw', 'warn', 'off'] as const satisfies readonly DeterminismGuardMode[]

/** The node whose code is running, as its error names it. */
export interface GuardedNode {
  id: string
  type: string
  version: number
}

/** Node code read the clock, drew unkeyed randomness, set a timer or read the environment. */
export class DeterminismError extends SluiceError {
  constructor(
    readonly node: GuardedNode,
    /** What was called, e.g. `Math.random()`. */
    readonly call: string,
    /** What to use instead, e.g. `use ctx.random(customer, salt)`. */
    readonly advice: string,
  ) {
    super('determinism', `node "${node.id}" (${node.type} v${node.version}) called ${call}; ${advice}`)
  }
}

interface GuardFrame {
  node: GuardedNode
  mode: Exclude<DeterminismGuardMode, 'off'>
  /** The first violation in throw mode, kept so a node that catches it still fails. */
  violation?: DeterminismError
}

const nodeCode = new AsyncLocalStorage<GuardFrame>()
let processMode: DeterminismGuardMode = 'throw'
let installed = false
/** node:call pairs already warned about in warn mode, so a busy server warns once, not per batch. */
const warned = new Set<string>()

/**
 * Sets the guard's mode for this process (`sluice serve` reads sluice.config.ts
 * `engine.determinismGuard`). The patched globals are process-wide, so the mode is too.
 * Tests, `sluice run` and the dev server keep the default, `throw`.
 */
export function setDeterminismGuardMode(mode: DeterminismGuardMode): void {
  processMode = mode
}

/** The guard's mode for this process. */
export function determinismGuardMode(): DeterminismGuardMode {
  return processMode
}

/**
 * Runs a node's code under the guard: `await runNodeGuarded(ctx.node, () => definition.run(input))`.
 * In throw mode a violation rejects with its DeterminismError, even if the node caught it.
 */
export async function runNodeGuarded<T>(node: GuardedNode, run: () => T | Promise<T>, mode: DeterminismGuardMode = processMode): Promise<T> {
  if (mode === 'off') return await run()
  installDeterminismGuard()
  const frame: GuardFrame = { node, mode }
  let result: T
  try {
    result = await nodeCode.run(frame, run)
  } catch (error) {
    // A node that swallowed the violation and failed on something else failed because of it.
    throw frame.violation ?? error
  }
  if (frame.violation) throw frame.violation
  return result
}

/** True while node code runs under the guard (in this async context). */
export function insideNodeCode(): boolean {
  return nodeCode.getStore() !== undefined
}

/**
 * Wraps an engine function that node code calls through ctx (ctx.data, the clock behind
 * ctx.now, the log) so it runs outside the guard: the store and its drivers may read the clock
 * or set timers (pool timeouts), and the promises they create stay outside too.
 */
export function outsideNodeCode<Args extends unknown[], Result>(fn: (...args: Args) => Result): (...args: Args) => Result {
  return (...args) => nodeCode.exit(() => fn(...args))
}

/** Raises (or in warn mode reports) a violation when node code is running; returns quietly otherwise. */
function check(call: string, advice: string): void {
  const frame = nodeCode.getStore()
  if (!frame) return
  const error = new DeterminismError(frame.node, call, advice)
  if (frame.mode === 'warn') {
    const key = `${frame.node.type}@${frame.node.version}:${frame.node.id}:${call}`
    if (warned.has(key)) return
    warned.add(key)
    nodeCode.exit(() => process.emitWarning(error.message, { type: 'DeterminismWarning', code: 'SLUICE_DETERMINISM' }))
    return
  }
  frame.violation ??= error
  throw error
}

const USE_NOW = 'use ctx.now()'
const USE_RANDOM = 'use ctx.random(customer, salt)'
const USE_ID = 'use ctx.id()'
const NO_TIMERS = 'waits are due times: return a park with `until` instead of a timer'
const USE_SETTINGS = 'read settings and secrets through ctx (ctx.secrets, ctx.publicUrl)'

/** Wraps `owner[key]` (a method) so node code calling it is checked first. */
function guardMethod(owner: object, key: string, call: string, advice: string): void {
  const original = (owner as Record<string, unknown>)[key]
  if (typeof original !== 'function') return
  const guarded = {
    [key](this: unknown, ...args: unknown[]) {
      check(call, advice)
      return Reflect.apply(original, this, args)
    },
  }[key]!
  Object.defineProperty(owner, key, { value: guarded, writable: true, configurable: true, enumerable: Object.prototype.propertyIsEnumerable.call(owner, key) })
}

/**
 * Patches the globals once per process. Idempotent; runNodeGuarded calls it, so a process that
 * never runs node code (or runs with the guard off) is never patched.
 */
export function installDeterminismGuard(): void {
  if (installed) return
  installed = true
  const global = globalThis as Record<string, unknown>

  // Date: the constructor without arguments and Date() as a function read the clock; with
  // arguments, Date.UTC and Date.parse are pure and stay allowed. A Proxy keeps `instanceof
  // Date`, the prototype and every static as they are.
  const RealDate = Date
  global['Date'] = new Proxy(RealDate, {
    construct(target, args: unknown[], newTarget: NewableFunction) {
      if (args.length === 0) check('new Date()', `${USE_NOW} and new Date(ctx.now())`)
      return Reflect.construct(target, args, newTarget) as object
    },
    apply(target, thisArg, args: unknown[]) {
      check('Date()', `${USE_NOW} and new Date(ctx.now())`)
      return Reflect.apply(target, thisArg, args) as string
    },
  })
  guardMethod(RealDate, 'now', 'Date.now()', USE_NOW)
  guardMethod(performance, 'now', 'performance.now()', USE_NOW)
  guardMethod(Math, 'random', 'Math.random()', USE_RANDOM)
  guardMethod(globalThis.crypto, 'randomUUID', 'crypto.randomUUID()', USE_ID)
  guardMethod(globalThis.crypto, 'getRandomValues', 'crypto.getRandomValues()', USE_RANDOM)
  for (const timer of ['setTimeout', 'setInterval', 'setImmediate']) guardMethod(globalThis, timer, `${timer}()`, NO_TIMERS)

  // node:crypto's named exports are bindings of the CommonJS module; patching it and syncing
  // the ESM view covers `import { randomUUID } from 'node:crypto'` too.
  const nodeCrypto = createRequire(import.meta.url)('node:crypto') as Record<string, unknown>
  guardMethod(nodeCrypto, 'randomUUID', 'crypto.randomUUID()', USE_ID)
  guardMethod(nodeCrypto, 'randomBytes', 'crypto.randomBytes()', USE_RANDOM)
  guardMethod(nodeCrypto, 'randomInt', 'crypto.randomInt()', USE_RANDOM)
  syncBuiltinESMExports()

  // process.env: every read, listing or write by node code is refused; engine code reads it as before.
  const env = process.env
  const envCall = (key: string | symbol) => (typeof key === 'string' ? `process.env.${key}` : 'process.env')
  process.env = new Proxy(env, {
    get(target, key) {
      check(envCall(key), USE_SETTINGS)
      return Reflect.get(target, key)
    },
    has(target, key) {
      check(envCall(key), USE_SETTINGS)
      return Reflect.has(target, key)
    },
    ownKeys(target) {
      check('process.env (listing its keys)', USE_SETTINGS)
      return Reflect.ownKeys(target)
    },
    getOwnPropertyDescriptor(target, key) {
      check(envCall(key), USE_SETTINGS)
      return Reflect.getOwnPropertyDescriptor(target, key)
    },
    set(target, key, value) {
      check(envCall(key), USE_SETTINGS)
      // Assign on the real env (not through the receiver), so Node coerces to a string and
      // child processes see the variable as before.
      ;(target as Record<string | symbol, unknown>)[key] = value
      return true
    },
    deleteProperty(target, key) {
      check(envCall(key), USE_SETTINGS)
      return Reflect.deleteProperty(target, key)
    },
  })
}

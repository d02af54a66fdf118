/**
 * The one error family of Sluice. Every error a user can cause is a {@link UserError}: the CLI
 * prints its message and exits 1, the API answers 4xx. Anything else is an internal error
 * (CLI exit 2, API 500) and its stack stays in the logs, never in front of a user.
 */

/** Base class: a stable machine-readable `code` plus a message written for people. */
export class SluiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** Bad input or a request that cannot be honoured as given; the message says what to fix. */
export class UserError extends SluiceError {}

/** One problem found in a piece of input: where it is and what was expected there. */
export interface Issue {
  /** Stable code, e.g. `row.type`, `edge.missing-target`. */
  code: string
  /** Where: a field path such as `nodes[throttle-1].config.max`, or `line 5, column tenure`. */
  path: string
  message: string
  severity?: 'error' | 'warning'
}

/** Input rejected as a whole; `issues` lists every problem found, not just the first. */
export class ValidationError extends UserError {
  constructor(
    message: string,
    readonly issues: Issue[],
  ) {
    super('validation', message, issues)
  }
}

/** Something the caller asked for does not exist (a flow, a customer, a run). */
export class NotFoundError extends UserError {
  constructor(what: string, id: string) {
    super('not-found', `${what} '${id}' was not found`)
  }
}

/** The store could not be reached or answered with an error the user must act on. */
export class StoreUnavailableError extends UserError {
  constructor(message: string) {
    super('store-unavailable', message)
  }
}

/** True for errors whose message is meant for the user as it is. */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError
}

/**
 * A node's config does not satisfy its declaration (schema or the node's own `validate`);
 * `issues` name each field, e.g. `config.variants[1].weight`.
 */
export class ConfigError extends ValidationError {
  constructor(
    readonly nodeType: string,
    issues: Issue[],
  ) {
    super(`invalid config for node type '${nodeType}':\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues)
  }
}

/**
 * A node type declaration is unusable (bad field, duplicate type, config schema that cannot
 * become JSON Schema). The message names the file and the type so the author can fix it.
 */
export class NodeDeclarationError extends UserError {
  constructor(message: string) {
    super('node-declaration', message)
  }
}

/**
 * A node failed while running over a cohort: it threw, or its result lost, duplicated or
 * invented customers. An internal error for the engine (the run stops for that node), never a
 * user's input mistake, so it is not a {@link UserError}.
 */
export class NodeRunError extends SluiceError {
  constructor(
    readonly nodeId: string,
    readonly runId: string,
    override readonly cause: unknown,
  ) {
    super('node-run', `node '${nodeId}' failed in run '${runId}': ${cause instanceof Error ? cause.message : String(cause)}`)
  }
}

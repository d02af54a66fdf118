/**
 * The accounting rule of node results: every member of the cohort leaves exactly once, through
 * one route or by parking, and nobody else appears. The engine calls {@link assertNodeResult}
 * after every run; a node that loses, duplicates or invents a customer fails loudly instead of
 * silently dropping someone from a campaign.
 */
import { NodeRunError } from '../errors.ts'
import type { CohortMember, NodeResult, ParkedCustomer, RouteItem, RoutedCustomer } from './types.ts'

/** One customer's way out of a node, flattened from a result. */
export interface Exit {
  customer: CohortMember
  /** The output taken, or undefined when the customer parked. */
  output?: string
  at?: number
  reason?: string
  values?: Record<string, unknown>
  park?: ParkedCustomer
}

/** A broken rule of the result, with the customers concerned (external ids). */
export interface ResultProblem {
  code: 'malformed' | 'missing' | 'duplicated' | 'not-in-cohort' | 'unknown-output' | 'bad-time'
  message: string
  customers: string[]
}

/** True when a route item carries details (`{ customer, at?, reason?, values? }`). */
export function isRoutedCustomer(item: RouteItem): item is RoutedCustomer {
  return typeof item === 'object' && item !== null && 'customer' in item
}

/**
 * Flattens routes and parks into one exit per entry, in output order then park. Exits are built
 * with every field named (absent ones undefined) rather than spread from the route item: one
 * object shape for the executor's hot loop, a million times per campaign.
 */
export function exitsOf(result: NodeResult): Exit[] {
  const exits: Exit[] = []
  for (const [output, items] of Object.entries(result.routes ?? {})) {
    for (const item of (items ?? []) as readonly RouteItem[]) {
      exits.push(
        isRoutedCustomer(item)
          ? { customer: item.customer, output, at: item.at, reason: item.reason, values: item.values, park: undefined }
          : { customer: item, output, at: undefined, reason: undefined, values: undefined, park: undefined },
      )
    }
  }
  for (const park of result.park ?? []) exits.push({ customer: park.customer, output: undefined, at: park.until, reason: undefined, values: undefined, park })
  return exits
}

const SAMPLE = 5

function listed(ids: string[]): string {
  const shown = ids.slice(0, SAMPLE).join(', ')
  return ids.length > SAMPLE ? `${shown} and ${ids.length - SAMPLE} more` : shown
}

/** Checks a result against its cohort and the node's outputs; returns every problem found. */
export function checkNodeResult(cohort: readonly CohortMember[], result: NodeResult, outputs: readonly string[]): ResultProblem[] {
  return inspectNodeResult(cohort, result, outputs).problems
}

/** The result's exits (when it is shaped like a result) and its problems, from one pass over it. */
function inspectNodeResult(cohort: readonly CohortMember[], result: NodeResult, outputs: readonly string[]): { exits: Exit[]; problems: ResultProblem[] } {
  const malformed = shapeProblem(result)
  if (malformed) return { exits: [], problems: [{ code: 'malformed', message: malformed, customers: cohort.map((m) => m.id) }] }
  const problems: ResultProblem[] = []
  const inCohort = new Set<string>()
  for (const member of cohort) inCohort.add(member.id)
  const seen = new Set<string>()
  const duplicated = new Set<string>()
  const strangers = new Set<string>()
  const badTimes = new Set<string>()
  const known = new Set(outputs)

  const unknownOutputs = Object.keys(result.routes ?? {}).filter((o) => !known.has(o))
  if (unknownOutputs.length > 0) {
    problems.push({
      code: 'unknown-output',
      message: `routes to output(s) ${unknownOutputs.map((o) => `"${o}"`).join(', ')} that the node does not declare (outputs: ${outputs.map((o) => `"${o}"`).join(', ')})`,
      customers: [],
    })
  }
  const exits = exitsOf(result)
  for (const exit of exits) {
    const id = exit.customer?.id
    if (typeof id !== 'string') {
      strangers.add(String(id))
      continue
    }
    if (!inCohort.has(id)) strangers.add(id)
    else if (seen.has(id)) duplicated.add(id)
    seen.add(id)
    if (exit.at !== undefined && !Number.isFinite(exit.at)) badTimes.add(id)
    if (exit.park && !Number.isFinite(exit.park.until)) badTimes.add(id)
  }
  // Every exit named a distinct member of the cohort: then nobody is missing if the counts agree.
  const missing = seen.size === cohort.length && strangers.size === 0 ? [] : cohort.filter((m) => !seen.has(m.id)).map((m) => m.id)
  if (missing.length > 0) problems.push({ code: 'missing', message: `${missing.length} customer(s) neither routed nor parked: ${listed(missing)}`, customers: missing })
  if (duplicated.size > 0) problems.push({ code: 'duplicated', message: `${duplicated.size} customer(s) placed more than once: ${listed([...duplicated])}`, customers: [...duplicated] })
  if (strangers.size > 0) problems.push({ code: 'not-in-cohort', message: `${strangers.size} customer(s) not in the cohort: ${listed([...strangers])}`, customers: [...strangers] })
  if (badTimes.size > 0) problems.push({ code: 'bad-time', message: `${badTimes.size} customer(s) with a time that is not a finite epoch-ms number: ${listed([...badTimes])}`, customers: [...badTimes] })
  return { exits, problems }
}

/** Why a value is not shaped like a NodeResult (node code may be plain JavaScript), or undefined. */
function shapeProblem(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return `expected a result object { routes, park?, ... }, got ${JSON.stringify(result)}`
  const { routes, park } = result as Record<string, unknown>
  if (routes !== undefined) {
    if (typeof routes !== 'object' || routes === null) return 'routes: expected an object { <output>: [customers] }'
    for (const [output, items] of Object.entries(routes)) {
      if (!Array.isArray(items)) return `routes["${output}"]: expected a list of customers`
    }
  }
  if (park !== undefined && !Array.isArray(park)) return 'park: expected a list of { customer, until }'
  return undefined
}

/**
 * Throws a {@link NodeRunError} listing every problem of the result; when it is sound, returns
 * its exits (as {@link exitsOf}), so the executor flattens a result once.
 */
export function assertNodeResult(
  where: { nodeId: string; runId: string },
  cohort: readonly CohortMember[],
  result: NodeResult,
  outputs: readonly string[],
): Exit[] {
  const { exits, problems } = inspectNodeResult(cohort, result, outputs)
  if (problems.length > 0) {
    throw new NodeRunError(where.nodeId, where.runId, new Error(`result breaks the one-exit-per-customer rule: ${problems.map((p) => p.message).join('; ')}`))
  }
  return exits
}

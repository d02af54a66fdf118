/**
 * defineNode: the one declaration of a node type. The executor, config validation, the editor
 * palette and form, the reference docs and config migrations all read this object, so adding a
 * node type never means editing a switch elsewhere.
 */
import type { z } from 'zod'
import type { Channel } from '../ports/store.ts'
import { NodeDeclarationError } from '../errors.ts'
import { checkDeclaration } from './check-declaration.ts'
import type { EntrySpec } from './entry-spec.ts'
import type { NodeLocales } from './node-locales.ts'
import type {
  ConfigMigrations,
  Decision,
  DeclaredTag,
  JournalledDetail,
  LimitHit,
  MeasuredGoal,
  NodeCategory,
  NodeCohortMode,
  NodeCohortSettings,
  NodeIcon,
  NodeIssue,
  NodeResult,
  NodeRunInput,
  NodeTiming,
  NodeValidationContext,
} from './types.ts'

/**
 * A node type as its author writes it. `Schema` is the zod schema of the config; `Output` is
 * the union of output names when `outputs` is a fixed list (`'match' | 'no match'`), or
 * `string` when outputs are computed from the config.
 */
export interface NodeDeclaration<Schema extends z.ZodType, Output extends string, Result extends NodeResult<Output> = NodeResult<Output>> {
  /** Kebab-case, unique across the registry: `ab-split`. Flow files refer to it. */
  type: string
  /** Positive integer; bump it when the config changes shape and add a `migrate` step. */
  version: number
  /** Palette title, e.g. `A/B/n split`. */
  title: string
  category: NodeCategory
  /** One or two sentences for the palette tooltip and the reference docs. */
  description: string
  icon: NodeIcon
  /**
   * Translations of the title, description, output labels and config field texts, per language
   * tag (`'zh-CN'`): the editor shows them in its language, English when one is missing. See
   * node-locales.ts; field paths are as docs/nodes.md lists them (`for.amount`, `list[].name`).
   */
  locales?: NodeLocales
  /**
   * The config schema: a zod object. Its JSON Schema (zod's `toJSONSchema`, titles from
   * `.meta({ title })`) drives the editor form and the docs, so it must be representable: no
   * `z.date()`, transforms or bigints (the registry rejects them at load).
   */
  config: Schema
  /** Output names: a fixed list, or a function of the config (e.g. one output per variant). */
  outputs: readonly Output[] | ((config: z.output<Schema>) => readonly Output[])
  /** `waits` if the node may hold customers over time (park them, or route them with a later `at`). Default `instant`. */
  timing?: NodeTiming
  /**
   * How the cohort is fed: `batches` (default) or `whole`, or a function of the config and the
   * node settings in force when only some need everyone at once (score: a top-N ranking does, a
   * cut-off does not; throttle: a channel capacity does, whether its own config or the global
   * contact policy sets it). The executor calls the function every tick, so it must be pure and
   * cheap; `settings.contactPolicy` is the policy the node will see as `ctx.contactPolicy`.
   */
  cohort?: NodeCohortMode | CohortModeFunction<z.output<Schema>>
  /** Upgrades configs of older versions: key N upgrades a version-N config to version N+1. */
  migrate?: ConfigMigrations
  /** Node-specific checks beyond the schema (cross-field rules, checks against neighbours). */
  validate?(config: z.output<Schema>, flow: NodeValidationContext): NodeIssue[]
  /** Explains one journalled decision in a sentence for people ("went to B because ..."). */
  explain?(decision: Decision<Output>, config: z.output<Schema>): string
  /**
   * Which shared limits (caps, capacities) bound this customer, read from one journalled detail
   * (a route's or a park's reason and values); empty when none did. The forecast asks every node
   * this way, so no code outside the node reads its reason codes.
   */
  limits?(detail: JournalledDetail<Output>, config: z.output<Schema>): readonly LimitHit[]
  /*
   * Declarative facts that code outside the node asks of a configured node (the registry answers
   * them, engine/registry/node-facts.ts), so no report, command or SQL tests a type name or reads
   * a node's config; a config migration changes the answer with the config.
   */
  /** Measure nodes: the goal this config follows (the measure report and simulation read it). */
  measures?(config: z.output<Schema>): MeasuredGoal
  /**
   * Contact-policy gates: the node holds customers for the contact policy before a send on this
   * channel (`null`: on no one channel). Customers waiting at such gates in other running flows
   * are the competing demand a gate arbitrates against (by flow priority, per channel capacity).
   */
  gatesChannel?(config: z.output<Schema>): Channel | null
  /** The tags this config writes on customers (name, layer, fixed values if any). */
  writesTags?(config: z.output<Schema>): readonly DeclaredTag[]
  /** Trigger nodes: how customers enter a flow with this config (the engine reads it; see entry-spec.ts). */
  entry?(config: z.output<Schema>): EntrySpec
  /** Runs the node over a cohort; must place every member exactly once in `routes` or `park`. */
  run(input: NodeRunInput<z.output<Schema>>): Promise<Result>
}

/** A cohort mode computed from the parsed config and the tick's node settings. */
export type CohortModeFunction<Config> = (config: Config, settings: NodeCohortSettings) => NodeCohortMode

/** The literal keys of an object type; an index signature (`Record<string, …>`) has none. */
type LiteralKeys<T> = { [K in keyof T]-?: string extends K ? never : K }[keyof T] & string

/** The route names of a `run` result that are not declared outputs (`never` when all are). */
type UndeclaredRoutes<Result, Output extends string> = Result extends { routes?: infer R } ? Exclude<LiteralKeys<R>, Output> : never

/**
 * Requires a property named after each undeclared route, so `routes: { vipp: ..., other }` with
 * outputs `['vip', 'other']` fails to compile, naming `vipp`. Without it TypeScript lets it
 * pass: a returned object literal gets no excess-property check, and `other` satisfies the
 * all-optional routes type. Outputs computed from the config are plain strings: no check.
 */
type OnlyDeclaredRoutes<Result, Output extends string> = [UndeclaredRoutes<Result, Output>] extends [never]
  ? unknown
  : { 'run returns routes that are not declared outputs': UndeclaredRoutes<Result, Output> }

/** A checked node declaration, as the registry holds it; `timing` and `cohort` are filled in. */
export type NodeDefinition<Schema extends z.ZodType = z.ZodType, Output extends string = string> = Readonly<
  NodeDeclaration<Schema, Output> & { timing: NodeTiming; cohort: NodeCohortMode | CohortModeFunction<z.output<Schema>> }
>

/**
 * A definition with its config and output types erased, as registries and the engine handle
 * them. The `any` is confined here: node code always sees its own precise types.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNodeDefinition = NodeDefinition<any, string>

/**
 * Declares a node type. The config type flows from the zod schema into `outputs`, `validate`,
 * `explain` and `run` without casts, and a fixed `outputs` list types the keys of `routes`.
 * Throws {@link NodeDeclarationError} naming the type when the declaration is unusable.
 *
 * @example
 * ```ts
 * import { z } from 'zod'
 * import { defineNode } from '../../engine/sdk/index.ts'
 *
 * export default defineNode({
 *   type: 'vip-check',
 *   version: 1,
 *   title: 'VIP check',
 *   category: 'audience',
 *   description: 'Routes customers whose tier is at least the given one to `vip`.',
 *   icon: 'star',
 *   config: z.object({
 *     minTier: z.enum(['silver', 'gold', 'platinum']).meta({ title: 'Minimum tier' }),
 *   }).meta({ title: 'VIP check' }),
 *   outputs: ['vip', 'other'],
 *   explain: (decision) => `went to ${decision.output} because tier is ${String(decision.values?.tier)}`,
 *   async run({ config, customers, ctx }) {
 *     const order = ['bronze', 'silver', 'gold', 'platinum']
 *     // One batch read for the whole cohort, never one query per customer.
 *     const profiles = new Map((await ctx.data.customers(customers)).map((c) => [c.id, c]))
 *     const vip = []
 *     const other = []
 *     for (const member of customers) {
 *       const tier = String(profiles.get(member.id)?.attributes.tier ?? 'bronze')
 *       const item = { customer: member, values: { tier } }
 *       if (order.indexOf(tier) >= order.indexOf(config.minTier)) vip.push(item)
 *       else other.push(item)
 *     }
 *     ctx.log.info('vip check done', { vip: vip.length, other: other.length })
 *     return { routes: { vip, other } }
 *   },
 * })
 * ```
 */
export function defineNode<Schema extends z.ZodType, const Output extends string = string, Result extends NodeResult<Output> = NodeResult<Output>>(
  declaration: NodeDeclaration<Schema, Output, Result> & OnlyDeclaredRoutes<Result, Output>,
): NodeDefinition<Schema, Output> {
  const problems = checkDeclaration(declaration)
  if (problems.length > 0) {
    const type = typeof declaration?.type === 'string' ? declaration.type : '(no type)'
    throw new NodeDeclarationError(`node type '${type}' is not a valid declaration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
  return Object.freeze({ ...declaration, timing: declaration.timing ?? 'instant', cohort: declaration.cohort ?? 'batches' })
}

/** How the executor feeds a node with a given (valid) config under the tick's node settings. */
export function cohortModeOf(definition: AnyNodeDefinition, config: unknown, settings: NodeCohortSettings): NodeCohortMode {
  return typeof definition.cohort === 'function' ? definition.cohort(config, settings) : definition.cohort
}

/** The outputs of a node for a given (valid) config, as a plain list. */
export function outputsOf(definition: AnyNodeDefinition, config: unknown): readonly string[] {
  return typeof definition.outputs === 'function' ? definition.outputs(config) : definition.outputs
}

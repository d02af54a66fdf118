/**
 * The node SDK: everything a node type is written with. Node code imports from here only.
 *
 * @example
 * ```ts
 * import { defineNode, z } from 'sluice/sdk'
 *
 * export default defineNode({
 *   type: 'coin-flip', version: 1, title: 'Coin flip', category: 'flow', icon: 'split',
 *   description: 'Sends each customer to heads or tails, the same way every time.',
 *   config: z.object({ salt: z.string().default('coin') }),
 *   outputs: ['heads', 'tails'],
 *   async run({ config, customers, ctx }) {
 *     const heads = customers.filter((c) => ctx.random(c, config.salt) < 0.5)
 *     const tails = customers.filter((c) => ctx.random(c, config.salt) >= 0.5)
 *     return { routes: { heads, tails } }
 *   },
 * })
 * ```
 */
// zod, the config-schema language, re-exported so node code outside Sluice needs no zod install
// of its own and always builds its schemas with the zod Sluice validates them with.
export { z } from 'zod'
export { defineNode, outputsOf } from './define-node.ts'
export type { AnyNodeDefinition, NodeDeclaration, NodeDefinition } from './define-node.ts'
export { createNodeContext } from './context.ts'
export type { Clock, NodeContextOptions } from './context.ts'
export { assertNodeResult, checkNodeResult, exitsOf, isRoutedCustomer } from './check-result.ts'
export type { Exit, ResultProblem } from './check-result.ts'
export { parseNodeConfig, validateNodeConfig } from './validate-config.ts'
export type { ConfigValidation } from './validate-config.ts'
export { configJsonSchema } from './config-json-schema.ts'
export type { JsonSchema } from './config-json-schema.ts'
export { NODE_CATEGORIES, NODE_ICONS } from './types.ts'
export type * from './types.ts'
export type { AudienceSpec, EntrySpec, PropertyMatch, TriggerEvent } from './entry-spec.ts'
export type { EventQuery, NodeDataPort } from '../ports/node-data.ts'
export { ConfigError, NodeDeclarationError, NodeRunError } from '../errors.ts'

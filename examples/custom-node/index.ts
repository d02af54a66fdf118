/**
 * A/B/n split: a complete custom node type, registered only through sluice.config.ts.
 *
 * Each customer draws one keyed random number (`ctx.random(customer, salt)`, a pure hash of the
 * run seed, this node's id, the customer id and the salt) and lands in the variant whose share
 * of the cumulative weights contains it. The draw depends on nothing else, so a customer gets
 * the same variant whatever batch, order or batch size they arrive in, and a replay reproduces
 * the split exactly.
 */
import { defineNode, z, type RoutedCustomer } from 'sluice/sdk'
import { zhCN } from './locales.ts'

const variant = z.object({
  name: z.string().min(1).max(40).meta({ title: 'Name', description: 'Also the name of the output customers in this variant leave on.' }),
  weight: z.number().positive().meta({ title: 'Weight', description: 'Relative share: weights 1 and 3 split 25 % / 75 %.' }),
})

const config = z
  .object({
    variants: z.array(variant).min(2).max(26).meta({ title: 'Variants' }),
    salt: z.string().min(1).optional().meta({ title: 'Salt', description: 'Change it to reshuffle who lands where (e.g. for a new test on the same audience).' }),
  })
  .meta({ title: 'A/B/n split' })

type Config = z.output<typeof config>

/** Each variant's half-open range [from, to) in [0, 1), in declaration order. */
function ranges(variants: Config['variants']): { name: string; from: number; to: number }[] {
  const total = variants.reduce((sum, v) => sum + v.weight, 0)
  let cumulative = 0
  return variants.map((v, i) => {
    const from = cumulative / total
    cumulative += v.weight
    // The last range ends at exactly 1 so rounding can never leave a draw without a variant.
    return { name: v.name, from, to: i === variants.length - 1 ? 1 : cumulative / total }
  })
}

const percent = (share: number) => `${(share * 100).toFixed(1).replace(/\.0$/, '')} %`

export default defineNode({
  type: 'ab-split',
  version: 2,
  title: 'A/B/n split',
  category: 'flow',
  description: 'Splits customers deterministically by weight into one output per variant; a customer always lands in the same variant.',
  icon: 'split',
  locales: { 'zh-CN': zhCN },
  config,
  outputs: (cfg) => cfg.variants.map((v) => v.name),
  migrate: {
    // Version 1 kept weights as a map { A: 50, B: 50 }; version 2 lists variants in order.
    1: (old) => ({
      variants: Object.entries((old.weights ?? {}) as Record<string, number>).map(([name, weight]) => ({ name, weight })),
      ...(typeof old.salt === 'string' ? { salt: old.salt } : {}),
    }),
  },
  validate(cfg) {
    const seen = new Map<string, number>()
    return cfg.variants.flatMap((v, i) => {
      const earlier = seen.get(v.name)
      seen.set(v.name, i)
      return earlier === undefined
        ? []
        : [{ code: 'duplicate-variant', path: `config.variants[${i}].name`, message: `variant name "${v.name}" is already used by variants[${earlier}]; each variant is an output and needs its own name` }]
    })
  },
  explain(decision, cfg) {
    const range = ranges(cfg.variants).find((r) => r.name === decision.output)
    const bucket = Number(decision.values?.bucket)
    if (!range || !Number.isFinite(bucket)) return `went to ${decision.output}`
    return `went to ${decision.output} because its random bucket ${bucket.toFixed(4)} fell in ${decision.output}'s range [${range.from.toFixed(4)}, ${range.to.toFixed(4)}), a ${percent(range.to - range.from)} share of the weights`
  },
  async run({ config: cfg, customers, ctx }) {
    const table = ranges(cfg.variants)
    const routes: Record<string, RoutedCustomer[]> = Object.fromEntries(table.map((r) => [r.name, []]))
    for (const customer of customers) {
      const bucket = ctx.random(customer, cfg.salt ?? 'ab-split')
      const chosen = table.find((r) => bucket < r.to) ?? (table[table.length - 1] as (typeof table)[number])
      routes[chosen.name]?.push({ customer, values: { bucket } })
    }
    ctx.log.info('split cohort', Object.fromEntries(table.map((r) => [r.name, routes[r.name]?.length ?? 0])))
    return { routes }
  },
})

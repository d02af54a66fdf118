/**
 * A small seeded PRNG for the demo generator: sfc32 (Chris Doty-Humphrey's "small fast
 * counting" generator, 128-bit state, passes PractRand), seeded from a string key through
 * cyrb128. Each customer gets its own stream keyed by (seed, customer, purpose), so a
 * customer's data does not depend on batch sizes, order or how many customers are generated:
 * `generate --customers 2000` is a prefix of `--customers 100000` with the same seed.
 *
 * A 32-bit generator (mulberry32) would not do here: seeded per customer from a 32-bit hash,
 * a million customers would share ~100 identical streams (birthday bound).
 */

/** cyrb128 (bryc, public domain): four 32-bit words of hash from a string. */
export function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/** A deterministic random stream with the draws the generator needs. */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  /** A stream keyed by its parts, e.g. `new Rng(seed, customerId, 'events')`. */
  constructor(...key: (string | number)[]) {
    ;[this.a, this.b, this.c, this.d] = cyrb128(key.map(String).join('\u0000'))
    // The first outputs of sfc32 still echo the seed: discard them.
    for (let i = 0; i < 12; i++) this.nextUint32()
  }

  /** The next 32-bit unsigned integer (sfc32). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1))
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + this.float() * (max - min)
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p
  }

  /** One element of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!
  }

  /** One value of `[value, weight]` pairs, proportionally to the weights. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0
    for (const [, weight] of choices) total += weight
    let r = this.float() * total
    for (const [value, weight] of choices) {
      r -= weight
      if (r < 0) return value
    }
    return choices[choices.length - 1]![0]
  }

  /** One value of a precomputed table (see {@link weightedTable}); for draws in hot loops. */
  choose<T>(table: WeightedTable<T>): T {
    const r = this.float() * table.total
    const { cumulative, values } = table
    let index = 0
    while (index < cumulative.length - 1 && r >= cumulative[index]!) index++
    return values[index]!
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.float()
    const v = this.float()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** Log-normal with the given log-mean and log-sd: heavy right tail (amounts, activity). */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal())
  }

  /** Poisson-distributed count (Knuth for small means, normal approximation above 30). */
  poisson(mean: number): number {
    if (mean <= 0) return 0
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()))
    const limit = Math.exp(-mean)
    let k = 0
    let p = this.float()
    while (p > limit) {
      k++
      p *= this.float()
    }
    return k
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let out = ''
    while (out.length < length) out += this.nextUint32().toString(16).padStart(8, '0')
    return out.slice(0, length)
  }
}

/** Weighted choices with their running totals computed once. */
export interface WeightedTable<T> {
  values: T[]
  cumulative: number[]
  total: number
}

/** Precomputes `[value, weight]` pairs for {@link Rng.choose}. */
export function weightedTable<T>(choices: readonly (readonly [T, number])[]): WeightedTable<T> {
  let total = 0
  const cumulative = choices.map(([, weight]) => (total += weight))
  return { values: choices.map(([value]) => value), cumulative, total }
}

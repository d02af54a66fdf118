/**
 * Beta samples from keyed uniforms, for the Thompson-sampling bandit. A Beta(a, b) draw is
 * X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); Gamma draws use Marsaglia and Tsang's
 * squeeze-and-reject method (ACM TOMS 26(3), 2000) with normals from Box–Muller. Every uniform
 * comes from `uniform(i)`, the i-th keyed draw (ctx.random(customer, `${salt}:${i}`)), so a
 * sample is a pure function of (run seed, node, customer, salt): replays draw the same numbers
 * whatever the batch or order, and no hidden generator state is carried between customers.
 */

/** The i-th uniform of a keyed stream, in [0, 1). */
export type KeyedUniform = (i: number) => number

/** Marsaglia–Tsang accepts ~96 % of proposals for shape ≥ 1; this bound is never reached in practice. */
const MAX_PROPOSALS = 1_000

/** A stream cursor over a keyed uniform source. */
class Draws {
  private next = 0
  constructor(private readonly uniform: KeyedUniform) {}
  /** A uniform in (0, 1): logs and divisions below never see 0. */
  open(): number {
    const u = this.uniform(this.next++)
    return u > 0 ? u : Number.MIN_VALUE
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.open())) * Math.cos(2 * Math.PI * this.open())
  }
}

function gamma(shape: number, draws: Draws): number {
  if (shape < 1) {
    // Boost: Gamma(a) = Gamma(a + 1) · U^(1/a).
    return gamma(shape + 1, draws) * Math.pow(draws.open(), 1 / shape)
  }
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (let proposal = 0; proposal < MAX_PROPOSALS; proposal++) {
    const x = draws.normal()
    const v = Math.pow(1 + c * x, 3)
    if (v <= 0) continue
    const u = draws.open()
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v
  }
  return d // the mode region; unreachable with a working uniform source
}

/** One Beta(a, b) sample (a, b > 0) from the keyed uniform stream. */
export function sampleBeta(a: number, b: number, uniform: KeyedUniform): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`Beta parameters must be positive, got (${a}, ${b})`)
  const draws = new Draws(uniform)
  const x = gamma(a, draws)
  const y = gamma(b, draws)
  return x / (x + y)
}

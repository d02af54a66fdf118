// jstat ships no types; this declares the two normal-distribution functions Sluice uses.
declare module 'jstat' {
  interface Normal {
    /** Φ((x − mean) / std). */
    cdf(x: number, mean: number, std: number): number
    /** The quantile: x with cdf(x) = p. */
    inv(p: number, mean: number, std: number): number
  }
  const jstat: { jStat: { normal: Normal } }
  export default jstat
}

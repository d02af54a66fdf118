import { describe, expect, it } from 'vitest'
import { MIN_CUSTOMERS, rate, uplift, Z_975 } from './uplift.ts'

describe('uplift', () => {
  it('matches an independent computation on 10,000 treated with 620 conversions vs 1,000 holdout with 41', () => {
    // Reference computed independently with the Python standard library (3.x):
    //   from statistics import NormalDist; import math
    //   n1,x1,n2,x2 = 10000,620,1000,41; p1,p2 = x1/n1, x2/n2; d = p1-p2
    //   z975 = NormalDist().inv_cdf(0.975); se = math.sqrt(p1*(1-p1)/n1 + p2*(1-p2)/n2)
    //   lo, hi = d - z975*se, d + z975*se
    //   pp = (x1+x2)/(n1+n2); z = d/math.sqrt(pp*(1-pp)*(1/n1+1/n2)); p = math.erfc(abs(z)/math.sqrt(2))
    // which printed d = 0.021, lo = 0.007832513250870497, hi = 0.0341674867491295,
    // z = 2.664254082360352, p = 0.007715925898403217 (erfc(|z|/√2) = 2·(1 − Φ(|z|))).
    const result = uplift({ customers: 10_000, converted: 620 }, { customers: 1_000, converted: 41 })
    if (!result.enough) throw new Error(result.reason)
    expect(result.uplift).toBeCloseTo(0.021, 9)
    expect(Math.abs(result.ci95[0] - 0.007832513250870497)).toBeLessThan(1e-6)
    expect(Math.abs(result.ci95[1] - 0.0341674867491295)).toBeLessThan(1e-6)
    expect(Math.abs(result.z - 2.664254082360352)).toBeLessThan(1e-6)
    expect(Math.abs(result.pValue - 0.007715925898403217)).toBeLessThan(1e-6)
    expect(Z_975).toBeCloseTo(1.9599639845400536, 9)
  })

  it('is symmetric: a holdout doing better gives a negative uplift with the same p-value', () => {
    const forward = uplift({ customers: 2_000, converted: 100 }, { customers: 500, converted: 40 })
    const backward = uplift({ customers: 500, converted: 40 }, { customers: 2_000, converted: 100 })
    if (!forward.enough || !backward.enough) throw new Error('expected figures')
    expect(forward.uplift).toBeCloseTo(0.05 - 0.08, 12)
    expect(backward.uplift).toBeCloseTo(-forward.uplift, 12)
    expect(backward.pValue).toBeCloseTo(forward.pValue, 12)
    expect(forward.ci95[1]).toBeLessThan(0)
  })

  it('says "not enough data" below the minimums instead of a figure', () => {
    expect(uplift({ customers: 1_000, converted: 50 }, { customers: MIN_CUSTOMERS - 1, converted: 10 })).toEqual({
      enough: false, reason: `not enough data: holdout group has ${MIN_CUSTOMERS - 1} customers (minimum ${MIN_CUSTOMERS})`,
    })
    expect(uplift({ customers: 1_000, converted: 4 }, { customers: 100, converted: 10 })).toEqual({ enough: false, reason: 'not enough data: treated group has 4 conversions (minimum 5)' })
    expect(uplift({ customers: 100, converted: 97 }, { customers: 100, converted: 10 })).toEqual({ enough: false, reason: 'not enough data: treated group has 3 non-conversions (minimum 5)' })
    expect(() => uplift({ customers: 10, converted: 11 }, { customers: 100, converted: 1 })).toThrow(/0 ≤ converted ≤ customers/)
    expect(rate({ customers: 0, converted: 0 })).toBe(0)
  })
})

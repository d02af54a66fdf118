/**
 * Samples telco-like customers with the columns and vocabulary of the real file, from marginal
 * rates close to the real data's (contract mix 55/21/24 %, fiber 44 %, churn ~26 %) and the
 * dependencies that make segments meaningful: tenure grows with the contract term, add-ons exist
 * only with internet, monthly charges add up from the services, total ≈ tenure × monthly, and
 * churn is likelier on month-to-month, new, fiber and electronic-check customers.
 */
import type { AttributeValue } from '../engine/ports/store.ts'
import type { Rng } from './prng.ts'

/** What the synthetic additions need to know about a customer (real or sampled). */
export interface TelcoProfile {
  churn: boolean
  seniorCitizen: boolean
  tenure: number
  contract: string
  internetService: string
  paymentMethod: string
  monthlyCharges: number
}

const MAX_TENURE = 72
const ADD_ONS = [
  ['online_security', 0.37, 5],
  ['online_backup', 0.44, 5],
  ['device_protection', 0.44, 5],
  ['tech_support', 0.37, 5],
  ['streaming_tv', 0.49, 10],
  ['streaming_movies', 0.5, 10],
] as const

const round2 = (value: number) => Math.round(value * 100) / 100
const bit = (value: boolean) => (value ? 1 : 0)

/** Tenure in months: short on month-to-month, long on two-year contracts; a few brand-new (0). */
function sampleTenure(rng: Rng, contract: string): number {
  if (rng.chance(0.002)) return 0
  const mean = contract === 'Month-to-month' ? 18 : contract === 'One year' ? 42 : 57
  const months = contract === 'Month-to-month' ? -mean * Math.log(1 - rng.float()) : mean + 14 * rng.normal()
  return Math.min(MAX_TENURE, Math.max(1, Math.round(months)))
}

/** Probability of churn from the drivers practitioners see in this data. */
function churnProbability(contract: string, tenure: number, internet: string, payment: string): number {
  let p = contract === 'Month-to-month' ? 0.3 : contract === 'One year' ? 0.1 : 0.03
  if (tenure < 6) p *= 1.5
  if (internet === 'Fiber optic') p *= 1.3
  if (payment === 'Electronic check') p *= 1.25
  return Math.min(0.9, p)
}

/** Samples the 20 telco attributes, typed as the importer types the real file. */
export function sampleTelcoAttributes(rng: Rng): Record<string, AttributeValue> {
  const female = rng.chance(0.5)
  const senior = rng.chance(0.16)
  const partner = rng.chance(0.48)
  const dependents = rng.chance(partner ? 0.45 : 0.1)
  const contract = rng.weighted([['Month-to-month', 55], ['One year', 21], ['Two year', 24]] as const)
  const tenure = sampleTenure(rng, contract)
  const phone = rng.chance(0.9)
  const multipleLines = phone ? (rng.chance(0.47) ? 'Yes' : 'No') : 'No phone service'
  const internet = rng.weighted([['DSL', 34], ['Fiber optic', 44], ['No', 22]] as const)
  const paperless = rng.chance(0.59)
  const payment = rng.weighted([['Electronic check', 34], ['Mailed check', 23], ['Bank transfer (automatic)', 22], ['Credit card (automatic)', 21]] as const)

  let monthly = (phone ? 20 : 0) + (multipleLines === 'Yes' ? 5 : 0)
  if (internet === 'DSL') monthly += 25
  if (internet === 'Fiber optic') monthly += 50
  const addOns: Record<string, string> = {}
  for (const [name, rate, price] of ADD_ONS) {
    if (internet === 'No') addOns[name] = 'No internet service'
    else if (rng.chance(rate)) {
      addOns[name] = 'Yes'
      monthly += price
    } else addOns[name] = 'No'
  }
  monthly = round2(Math.max(18.25, monthly + rng.between(-1.5, 2.5)))
  const total = tenure === 0 ? null : round2(tenure * monthly * rng.between(0.93, 1.05))
  const churn = rng.chance(churnProbability(contract, tenure, internet, payment))

  return {
    churn,
    female: bit(female),
    senior_citizen: bit(senior),
    partner: bit(partner),
    dependents: bit(dependents),
    tenure,
    phone_service: bit(phone),
    multiple_lines: multipleLines,
    internet_service: internet,
    online_security: addOns.online_security!,
    online_backup: addOns.online_backup!,
    device_protection: addOns.device_protection!,
    tech_support: addOns.tech_support!,
    streaming_tv: addOns.streaming_tv!,
    streaming_movies: addOns.streaming_movies!,
    contract,
    paperless_billing: bit(paperless),
    payment_method: payment,
    monthly_charges: monthly,
    total_charges: total,
  }
}

/** Reads the fields the synthetic additions use from telco attributes (sampled or imported). */
export function telcoProfile(attributes: Record<string, AttributeValue>): TelcoProfile {
  const number = (name: string, fallback: number) => (typeof attributes[name] === 'number' ? (attributes[name] as number) : fallback)
  const text = (name: string, fallback: string) => (typeof attributes[name] === 'string' ? (attributes[name] as string) : fallback)
  return {
    churn: attributes.churn === true,
    seniorCitizen: attributes.senior_citizen === 1,
    tenure: number('tenure', 0),
    contract: text('contract', 'Month-to-month'),
    internetService: text('internet_service', 'No'),
    paymentMethod: text('payment_method', 'Mailed check'),
    monthlyCharges: number('monthly_charges', 20),
  }
}

/**
 * The attribute catalogue of the demo data: the columns of the real telco file (types as the
 * importer infers them: `Yes`/`No` → boolean, `0`/`1` → number, few labels → enum) and the two
 * synthetic attributes the generator adds. Declared, so the segment builder gets descriptions.
 */
import type { AttributeDef } from '../engine/ports/store.ts'

const YES_NO_NO_INTERNET = ['No', 'No internet service', 'Yes']

const telco = (name: string, type: AttributeDef['type'], description: string, values?: string[]): AttributeDef => ({
  name, type, source: 'declared', description, ...(values ? { values } : {}),
})

/** The 20 attribute columns of `demo/telco-customers.csv`, in file order. */
export const TELCO_ATTRIBUTES: AttributeDef[] = [
  telco('churn', 'boolean', 'Left the operator within the last month of the data set'),
  telco('female', 'number', '1 if the customer is female, else 0'),
  telco('senior_citizen', 'number', '1 if the customer is 65 or older, else 0'),
  telco('partner', 'number', '1 if the customer has a partner, else 0'),
  telco('dependents', 'number', '1 if the customer has dependents, else 0'),
  telco('tenure', 'number', 'Months as a customer'),
  telco('phone_service', 'number', '1 if the customer has a phone line, else 0'),
  telco('multiple_lines', 'enum', 'More than one phone line', ['No', 'No phone service', 'Yes']),
  telco('internet_service', 'enum', 'Internet access type', ['DSL', 'Fiber optic', 'No']),
  telco('online_security', 'enum', 'Online security add-on', YES_NO_NO_INTERNET),
  telco('online_backup', 'enum', 'Online backup add-on', YES_NO_NO_INTERNET),
  telco('device_protection', 'enum', 'Device protection add-on', YES_NO_NO_INTERNET),
  telco('tech_support', 'enum', 'Tech support add-on', YES_NO_NO_INTERNET),
  telco('streaming_tv', 'enum', 'Streaming TV add-on', YES_NO_NO_INTERNET),
  telco('streaming_movies', 'enum', 'Streaming movies add-on', YES_NO_NO_INTERNET),
  telco('contract', 'enum', 'Contract term', ['Month-to-month', 'One year', 'Two year']),
  telco('paperless_billing', 'number', '1 if billed paperless, else 0'),
  telco('payment_method', 'enum', 'How the customer pays', ['Bank transfer (automatic)', 'Credit card (automatic)', 'Electronic check', 'Mailed check']),
  telco('monthly_charges', 'number', 'Current monthly charge'),
  telco('total_charges', 'number', 'Total charged so far (empty for customers in their first month)'),
]

/** The member tiers, lowest first. */
export const MEMBER_TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const
export type MemberTier = (typeof MEMBER_TIERS)[number]

/** Attributes the generator adds to every customer (synthetic). */
export const SYNTHETIC_ATTRIBUTES: AttributeDef[] = [
  { name: 'member_tier', type: 'enum', values: [...MEMBER_TIERS], source: 'declared', description: 'Loyalty tier from lifetime spend (synthetic)' },
  { name: 'signup_date', type: 'date', source: 'declared', description: 'First day as a customer, from tenure (synthetic)' },
]

/** Every attribute of the demo and generated data sets. */
export const DEMO_ATTRIBUTES: AttributeDef[] = [...TELCO_ATTRIBUTES, ...SYNTHETIC_ATTRIBUTES]

/**
 * Runs the contact-policy questions on either dialect (contact-policy-sql.ts): `plan` lists the
 * statements a query needs, each dialect runs them (SQLite synchronously inside the store's
 * `run`, so no other write interleaves; Postgres on the store's client, joining its open
 * transaction), and `assemble` maps rows to plain numbers, so both dialects give the same
 * answer (the dialect test checks it). SqliteStore and PgStore expose it as `contactPolicyFacts`.
 */
import type Database from 'better-sqlite3'
import type { ContactPolicyFacts, ContactPolicyQuery } from '../../engine/ports/contact-policy-facts.ts'
import type { Channel } from '../../engine/ports/store.ts'
import { PG_CONTACT_POLICY, SQLITE_CONTACT_POLICY, type ContactPolicySql } from './contact-policy-sql.ts'

type Name = keyof ContactPolicySql
type Rows = Partial<Record<Name, Record<string, unknown>[]>>

function plan(sql: ContactPolicySql, keys: readonly number[], query: ContactPolicyQuery): { name: Name; text: string; params: unknown[] }[] {
  const cohort = JSON.stringify([...new Set(keys)])
  const { capacity, competitors } = query
  const statements: { name: Name; text: string; params: unknown[] }[] = []
  if (keys.length > 0) {
    statements.push({ name: 'contacts', text: sql.contacts, params: [cohort, query.since, cohort] })
    statements.push({ name: 'suppressed', text: sql.suppressed, params: [cohort] })
    statements.push({ name: 'consents', text: sql.consents, params: [cohort] })
    if (competitors) {
      statements.push({ name: 'competitors', text: sql.competitors, params: [competitors.flowId, cohort, competitors.until] })
    }
  }
  if (capacity) {
    statements.push({ name: 'capacity', text: sql.capacity, params: [capacity.channel, capacity.from, capacity.to, capacity.channel, capacity.from, capacity.to] })
    if (competitors?.channel !== undefined && competitors.abovePriority !== undefined) {
      const params = [competitors.flowId, competitors.channel, competitors.abovePriority, capacity.from, capacity.to]
      statements.push({ name: 'demand', text: sql.demand, params })
    }
  }
  return statements
}

function assemble(rows: Rows): ContactPolicyFacts {
  return {
    contacts: (rows.contacts ?? []).map((r) => ({
      customerKey: Number(r.customer_key), channel: r.channel as Channel, at: Number(r.at), flowId: String(r.flow_id),
      offer: r.offer === null || r.offer === undefined ? null : String(r.offer), pending: r.pending === true || Number(r.pending) === 1,
    })),
    suppressed: (rows.suppressed ?? []).map((r) => Number(r.customer_key)),
    consents: (rows.consents ?? []).map((r) => ({ customerKey: Number(r.customer_key), channel: r.channel as Channel, status: r.status as 'granted' | 'revoked' })),
    capacityUsed: Number(rows.capacity?.[0]?.n ?? 0),
    competitors: (rows.competitors ?? []).map((r) => ({ customerKey: Number(r.customer_key), priority: Number(r.priority) })),
    higherPriorityDemand: Number(rows.demand?.[0]?.n ?? 0),
  }
}

/** The facts on SQLite; synchronous, so the store runs it as one unit of work. */
export function sqliteContactPolicyFacts(db: Database.Database, keys: readonly number[], query: ContactPolicyQuery): ContactPolicyFacts {
  const rows: Rows = {}
  for (const statement of plan(SQLITE_CONTACT_POLICY, keys, query)) {
    rows[statement.name] = db.prepare(statement.text).all(...statement.params) as Record<string, unknown>[]
  }
  return assemble(rows)
}

/** The facts on Postgres, through the store's query function (joins its open transaction). */
export async function pgContactPolicyFacts(
  query: <R extends Record<string, unknown>>(text: string, params: unknown[]) => Promise<R[]>,
  keys: readonly number[],
  question: ContactPolicyQuery,
): Promise<ContactPolicyFacts> {
  const rows: Rows = {}
  for (const statement of plan(PG_CONTACT_POLICY, keys, question)) rows[statement.name] = await query(statement.text, statement.params)
  return assemble(rows)
}

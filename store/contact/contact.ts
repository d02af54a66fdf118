/**
 * Consents, suppressions and contact history: written once over the store driver (store/core)
 * for both dialects. Writes resolve customer keys through the store (`keysOf`: SQLite reuses
 * the keys of the transaction's last customer batch) and go in as one bulk insert whose
 * conflict clause is the same text on both dialects. A batch is folded first to one row per
 * conflict key, because one set-based statement cannot touch a row twice (Postgres).
 */
import type { ConsentInput, ContactInput, StoredContact, SuppressionInput } from '../../engine/ports/store.ts'
import { toConsent, toStoredContact, type ConsentRecord, type ContactRecord } from '../common/row-mapping.ts'
import {
  lastByKey,
  latestConsents,
  throwUnknownCustomers,
  validateConsents,
  validateContacts,
  validateIds,
  validateSuppressionKeys,
  validateSuppressions,
} from '../common/validate-input.ts'
import type { RowInsert, SqlDriver } from '../core/driver.ts'

/** Internal keys of external customer ids (unknown ids left out). */
export type KeysOf = (ids: string[]) => Promise<Map<string, number>>

// Latest statement wins; on a tie the later write wins.
const UPSERT_CONSENTS: RowInsert = {
  table: 'consents',
  columns: [
    { name: 'customer_key', type: 'int' },
    { name: 'channel', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'at', type: 'bigint' },
    { name: 'source', type: 'text' },
  ],
  tail: `ON CONFLICT (customer_key, channel) DO UPDATE SET status = excluded.status, at = excluded.at, source = excluded.source
    WHERE excluded.at >= consents.at`,
}

const UPSERT_SUPPRESSIONS: RowInsert = {
  table: 'suppressions',
  columns: [
    { name: 'scope', type: 'text' },
    { name: 'value', type: 'text' },
    { name: 'reason', type: 'text' },
    { name: 'at', type: 'bigint' },
  ],
  tail: 'ON CONFLICT (scope, value) DO UPDATE SET reason = excluded.reason, at = excluded.at',
}

const INSERT_CONTACTS: RowInsert = {
  table: 'contacts',
  columns: [
    { name: 'customer_key', type: 'int' },
    { name: 'flow_id', type: 'text' },
    { name: 'run_id', type: 'text' },
    { name: 'node_id', type: 'text' },
    { name: 'channel', type: 'text' },
    { name: 'offer', type: 'text' },
    { name: 'at', type: 'bigint' },
    { name: 'status', type: 'text' },
  ],
}

export async function setConsents(sql: SqlDriver, keysOf: KeysOf, input: ConsentInput[]): Promise<void> {
  const rows = validateConsents(input)
  const keys = await keysOf(rows.map((row) => row.customerId))
  throwUnknownCustomers('consents', rows, keys)
  await sql.insert(UPSERT_CONSENTS, latestConsents(rows).flatMap((row) => [keys.get(row.customerId), row.channel, row.status, row.at, row.source ?? null]))
}

export async function getConsents(sql: SqlDriver, customerIds: string[]): Promise<ConsentInput[]> {
  validateIds(customerIds, 'customerIds')
  return (
    await sql.rows<ConsentRecord>(
      `SELECT c.external_id, k.channel, k.status, k.at, k.source FROM consents k JOIN customers c ON c.key = k.customer_key
      WHERE ${sql.dialect.inList('c.external_id', 'text')} ORDER BY c.key, k.channel`,
      [sql.list(customerIds)],
    )
  ).map(toConsent)
}

export async function addSuppressions(sql: SqlDriver, input: SuppressionInput[]): Promise<void> {
  const rows = lastByKey(validateSuppressions(input), (row) => `${row.scope}\u0000${row.value}`)
  await sql.insert(UPSERT_SUPPRESSIONS, rows.flatMap((row) => [row.scope, row.value, row.reason, row.at]))
}

/** One statement per scope (at most five), each with its values as one list. */
export async function removeSuppressions(sql: SqlDriver, input: Pick<SuppressionInput, 'scope' | 'value'>[]): Promise<void> {
  const byScope = new Map<string, string[]>()
  for (const row of validateSuppressionKeys(input)) byScope.set(row.scope, [...(byScope.get(row.scope) ?? []), row.value])
  for (const [scope, values] of byScope) {
    await sql.run(`DELETE FROM suppressions WHERE scope = ? AND ${sql.dialect.inList('value', 'text')}`, [scope, sql.list(values)])
  }
}

/** The ids suppressed by id (even when the id is not a customer yet) or by any address the customer holds. */
export async function suppressedCustomers(sql: SqlDriver, customerIds: string[]): Promise<Set<string>> {
  validateIds(customerIds, 'customerIds')
  const ids = sql.list(customerIds)
  const rows = await sql.rows<{ id: string }>(
    `SELECT s.value AS id FROM suppressions s WHERE s.scope = 'customer' AND ${sql.dialect.inList('s.value', 'text')}
    UNION
    SELECT c.external_id AS id FROM customers c
      JOIN customer_addresses a ON a.customer_key = c.key
      JOIN suppressions s ON s.scope = a.kind AND s.value = a.address
    WHERE ${sql.dialect.inList('c.external_id', 'text')}`,
    [ids, ids],
  )
  return new Set(rows.map((row) => row.id))
}

export async function recordContacts(sql: SqlDriver, keysOf: KeysOf, input: ContactInput[]): Promise<void> {
  const rows = validateContacts(input)
  const keys = await keysOf(rows.map((row) => row.customerId))
  throwUnknownCustomers('contacts', rows, keys)
  await sql.insert(INSERT_CONTACTS, rows.flatMap((row) => [keys.get(row.customerId), row.flowId, row.runId, row.nodeId, row.channel, row.offer, row.at, row.status]))
}

/** One customer's contact history oldest first, within [from, to). */
export async function listContacts(sql: SqlDriver, customerId: string, options: { from?: number; to?: number }): Promise<StoredContact[]> {
  const conditions = ['c.external_id = ?']
  const params: unknown[] = [customerId]
  if (options.from !== undefined) {
    conditions.push('k.at >= ?')
    params.push(options.from)
  }
  if (options.to !== undefined) {
    conditions.push('k.at < ?')
    params.push(options.to)
  }
  return (
    await sql.rows<ContactRecord>(
      `SELECT k.key, c.external_id, k.flow_id, k.run_id, k.node_id, k.channel, k.offer, k.at, k.status
      FROM contacts k JOIN customers c ON c.key = k.customer_key
      WHERE ${conditions.join(' AND ')} ORDER BY k.at, k.key`,
      params,
    )
  ).map(toStoredContact)
}

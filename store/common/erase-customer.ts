/**
 * Erasing a customer ("the right to be forgotten"), the same on both dialects, inside the
 * caller's transaction: every row that holds their personal data or their store key goes.
 *
 * - Customer store: the customer row (attributes), addresses, tags, events, consents, contact
 *   history, static-list memberships.
 * - Engine: positions and entry history, outbox intents (their message is the rendered e-mail
 *   or SMS, full of personal data), and the journal: per-customer rows (single-form details,
 *   notes) are deleted, and the key is taken out of every group row's packed keys (its count
 *   drops by one; a packed detail row loses the customer's detail too; a row left empty goes);
 *   the run's recorded batches that picked the customer up are deleted (replay skips them).
 *   Keys must go, not only data: SQLite gives a new customer the largest key + 1, so after
 *   erasing the newest customer the next one would inherit any row still naming the old key.
 *   For the same reason trigger cursors past the largest key left are lowered to it.
 * - Suppressions: the id stays on the list (scope `customer`), so a later import or event with
 *   that id leads to no send. It is kept in clear, not hashed: the suppression checks compare
 *   ids in set-based SQL (store/contact-policy, store/channel-facts), and SQLite has no hash
 *   function to compare hashes there without a call into JS per customer. An opaque customer
 *   id is the one thing kept, because honouring the objection needs it (docs/decisions.md).
 *   Address suppressions of the customer's addresses are dropped unless another customer holds
 *   the same address (then the address is in the store anyway, and the suppression still
 *   protects it).
 *
 * Only runs the customer was in are read: runs with their position (a primary-key probe per
 * run) or of a flow they have entry history in (likewise). Their journal's group rows are
 * decoded page by page, a few thousand rows per run however large the audience.
 */
import type { ErasureReport } from '../../engine/ports/engine-store.ts'
import type { Dialect, StorePort } from '../../engine/ports/store.ts'
import { decodeDetails, encodeDetails } from '../../engine/journal/detail-codec.ts'
import { packKeys, unpackKeys } from '../../engine/journal/packed-keys.ts'

type Row = Record<string, unknown>

/** One dialect's way to run a statement written with `?` placeholders, in the current transaction. */
export interface EraseSql {
  readonly dialect: Dialect
  rows(text: string, params: unknown[]): Promise<Row[]>
  /** Runs a write and answers the rows it changed. */
  run(text: string, params: unknown[]): Promise<number>
}

/** Journal group rows read per page. */
const JOURNAL_PAGE = 2_000

const SQL = {
  customer: 'SELECT key FROM customers WHERE external_id = ?',
  addresses: 'SELECT kind, address FROM customer_addresses WHERE customer_key = ?',
  // One probe of the (run, customer) and (flow, customer) primary keys per run.
  runs: `SELECT r.id AS id, r.flow_id AS flow FROM runs r
    WHERE EXISTS (SELECT 1 FROM positions p WHERE p.run_id = r.id AND p.customer_key = ?)
      OR EXISTS (SELECT 1 FROM entries e WHERE e.flow_id = r.flow_id AND e.customer_key = ?)
    ORDER BY r.id`,
  journalGroups: 'SELECT id, kind, count, keys, data FROM journal WHERE run_id = ? AND keys IS NOT NULL AND id > ? ORDER BY id LIMIT ?',
  rewriteJournal: 'UPDATE journal SET count = ?, keys = ?, data = ? WHERE id = ?',
  deleteJournalRow: 'DELETE FROM journal WHERE id = ?',
  deleteJournalOwn: 'DELETE FROM journal WHERE run_id = ? AND customer_key = ?',
  deletePositions: 'DELETE FROM positions WHERE run_id = ? AND customer_key = ?',
  runInputs: 'SELECT batch, keys FROM run_inputs WHERE run_id = ? AND batch > ? ORDER BY batch LIMIT ?',
  deleteRunInputs: 'DELETE FROM run_inputs WHERE run_id = ? AND batch = ?',
  deleteEntries: 'DELETE FROM entries WHERE flow_id = ? AND customer_key = ?',
  // SQLite numbers a new row max(key) + 1: once the newest events (or customer) are gone, new
  // ones take their keys again, and a trigger cursor (at, key) past them would skip a new event
  // at the same instant. Lowering a cursor to the largest key left changes nothing for the rows
  // that remain (none lies between) and lets the new ones through.
  lowerEventCursors: `UPDATE trigger_state SET event_key = (SELECT coalesce(max(key), 0) FROM events)
    WHERE event_key > (SELECT coalesce(max(key), 0) FROM events)`,
  lowerAudienceCursors: `UPDATE trigger_state SET audience_after_key = (SELECT coalesce(max(key), 0) FROM customers)
    WHERE audience_after_key > (SELECT coalesce(max(key), 0) FROM customers)`,
  // An address suppression stays while another customer holds that address.
  deleteAddressSuppression: `DELETE FROM suppressions WHERE scope = ? AND value = ?
    AND NOT EXISTS (SELECT 1 FROM customer_addresses a WHERE a.kind = ? AND a.address = ? AND a.customer_key <> ?)`,
} as const

/** Tables with a `customer_key` column whose rows are the customer's, deleted through their customer index. */
const OWN_ROWS = ['outbox', 'contacts', 'consents', 'events', 'customer_tags', 'customer_addresses', 'static_list_members'] as const

/** Erases `customerId` (see the module note); null when there is no such customer. Call inside a transaction. */
export async function eraseCustomerWith(sql: EraseSql, customers: StorePort, customerId: string, erasure: { at: number; reason: string }): Promise<ErasureReport | null> {
  const [found] = await sql.rows(SQL.customer, [customerId])
  if (!found) return null
  const key = Number(found.key)
  const rows: Record<string, number> = {}
  const count = (table: string, n: number) => (rows[table] = (rows[table] ?? 0) + n)

  const runs = (await sql.rows(SQL.runs, [key, key])).map((r) => ({ id: String(r.id), flow: String(r.flow) }))
  for (const run of runs) {
    count('journal', await eraseFromJournal(sql, run.id, key))
    count('journal', await sql.run(SQL.deleteJournalOwn, [run.id, key]))
    count('positions', await sql.run(SQL.deletePositions, [run.id, key]))
    count('run_inputs', await eraseFromRecordedInputs(sql, run.id, key))
  }
  for (const flow of new Set(runs.map((r) => r.flow))) count('entries', await sql.run(SQL.deleteEntries, [flow, key]))

  const addresses = await sql.rows(SQL.addresses, [key])
  for (const { kind, address } of addresses) count('suppressions', await sql.run(SQL.deleteAddressSuppression, [kind, address, kind, address, key]))
  for (const table of OWN_ROWS) count(table, await sql.run(`DELETE FROM ${table} WHERE customer_key = ?`, [key]))
  count('customers', await sql.run('DELETE FROM customers WHERE key = ?', [key]))
  await sql.run(SQL.lowerEventCursors, [])
  await sql.run(SQL.lowerAudienceCursors, [])
  await customers.addSuppressions([{ scope: 'customer', value: customerId, reason: erasure.reason, at: erasure.at }])
  return { customerId, rows }
}

/**
 * Deletes the run's recorded batches (engine/replay/batch-inputs.ts) that picked up `key`: their
 * reads hold the customer's profile among the cohort's, so the whole record goes and replay skips
 * those batches as unrecorded. Answers how many went.
 */
async function eraseFromRecordedInputs(sql: EraseSql, runId: string, key: number): Promise<number> {
  let deleted = 0
  for (let afterBatch = 0; ;) {
    const page = await sql.rows(SQL.runInputs, [runId, afterBatch, JOURNAL_PAGE])
    for (const row of page) {
      if (!unpackKeys(String(row.keys)).includes(key)) continue
      deleted += await sql.run(SQL.deleteRunInputs, [runId, row.batch])
    }
    if (page.length < JOURNAL_PAGE) return deleted
    afterBatch = Number(page.at(-1)?.batch)
  }
}

/** Takes `key` out of the run's journal group rows; answers how many rows were rewritten or deleted. */
async function eraseFromJournal(sql: EraseSql, runId: string, key: number): Promise<number> {
  let changed = 0
  for (let afterId = 0; ;) {
    const page = await sql.rows(SQL.journalGroups, [runId, afterId, JOURNAL_PAGE])
    for (const row of page) {
      const keys = unpackKeys(String(row.keys))
      const index = keys.indexOf(key)
      if (index < 0) continue
      keys.splice(index, 1)
      changed++
      if (keys.length === 0) {
        await sql.run(SQL.deleteJournalRow, [row.id])
        continue
      }
      // A packed detail row holds one detail per key, in key order: drop the customer's.
      let data = row.data === null || row.data === undefined ? null : String(row.data)
      if (row.kind === 'detail' && data !== null) {
        const details = decodeDetails(data)
        details.splice(index, 1)
        data = encodeDetails(details)
      }
      await sql.run(SQL.rewriteJournal, [Math.max(0, Number(row.count) - 1), packKeys(keys), data, row.id])
    }
    if (page.length < JOURNAL_PAGE) return changed
    afterId = Number(page.at(-1)?.id)
  }
}

/** `?` placeholders as Postgres `$1, $2, …` (the statements above hold no other `?`). */
export function pgPlaceholders(text: string): string {
  let n = 0
  return text.replace(/\?/g, () => `$${++n}`)
}

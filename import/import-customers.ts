/**
 * `sluice import customers`: reads a CSV or JSONL file twice in near-constant memory. The first
 * pass infers the types of new attribute columns (per-column counters only) and hashes the ids
 * to find repeated ones; the second validates every row and writes batches through the port,
 * all inside one transaction, so by default a bad row anywhere rejects the whole file and
 * nothing is written. A customer id on two lines is a bad row (which of the two is right is the
 * user's call), unless `onDuplicate: 'last'` says the later row wins. Upserts by id, so
 * importing the same file again changes nothing (every row counts as updated).
 */
import { UserError, ValidationError } from '../engine/errors.ts'
import type { Issue } from '../engine/errors.ts'
import type { AttributeDef, ConsentInput, CustomerInput, StorePort } from '../engine/ports/store.ts'
import { ColumnRoles, CUSTOMER_HEADER, findIdColumn, ID_COLUMNS } from './customer-columns.ts'
import { customerIdOf, CustomerRowMapper, flattenCustomerValues } from './customer-rows.ts'
import { DEFAULT_BATCH_SIZE } from './import-options.ts'
import type { CustomerImportOptions, ImportSummary } from './import-options.ts'
import { describeRow, IssueLog } from './issue-log.ts'
import type { RowProblem } from './issue-log.ts'
import { detectFormat, fileSize, RecordReader } from './record-reader.ts'
import { defaultRejectsPath, RejectsFile } from './rejects-file.ts'
import { IdHashScan } from './repeated-ids.ts'
import type { RepeatedIds } from './repeated-ids.ts'
import { mergeWithCatalogue, RecordInference } from './type-inference.ts'
import type { ColumnInference } from './type-inference.ts'

/** Imports a customers file into `store`; throws a ValidationError listing bad rows (nothing written). */
export async function importCustomers(store: StorePort, options: CustomerImportOptions): Promise<ImportSummary> {
  const format = detectFormat(options.path, options.format)
  fileSize(options.path)
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE

  return store.transaction(async (tx) => {
    const catalogue = applyDeclaredTypes(await tx.listAttributes(), options.declaredTypes ?? [])
    const { inference, repeatedIds } = await scanFile(options, format, catalogue.defs)
    const { types, toRegister } = mergeWithCatalogue(catalogue.defs, inference)
    const attributesDefined = [...catalogue.toDeclare, ...toRegister]
    if (attributesDefined.length > 0) await tx.defineAttributes(attributesDefined)

    const issues = new IssueLog()
    const rejectsPath = options.skipInvalid ? (options.rejectsPath ?? defaultRejectsPath(options.path, format)) : undefined
    const reader = new RecordReader(options.path, format, (bytesRead, totalBytes) => options.onProgress?.({ phase: 'write', bytesRead, totalBytes }), CUSTOMER_HEADER)
    const rejects = rejectsPath ? new RejectsFile(rejectsPath, format, () => reader.header) : undefined
    const mapper = new CustomerRowMapper({ types, consentAt: options.now })
    const batch = new CustomerBatch(tx)
    let rows = 0
    try {
      for await (const records of reader.batches()) {
        for (const record of records) {
          rows++
          const mapped = mapper.map(record)
          const row = Array.isArray(mapped) ? mapped : repeatedRow(repeatedIds, mapped.customer.id, record.line) ?? mapped
          if (Array.isArray(row)) {
            issues.addRow(row)
            await rejects?.write(record, describeRow(row))
            continue
          }
          // After the first bad row the file will be rolled back: keep validating, stop writing.
          if (!rejects && !issues.isEmpty) continue
          if (batch.has(row.customer.id) || batch.size >= batchSize) await batch.flush()
          batch.add(row.customer, row.consents)
        }
      }
      await batch.flush()
    } finally {
      await rejects?.close()
    }
    if (!rejects && !issues.isEmpty) throw issues.toError(options.path)

    const summary: ImportSummary = {
      kind: 'customers', file: options.path, format, rows,
      inserted: batch.inserted, updated: batch.updated, duplicates: 0, conflicts: 0, conflictExamples: [], rejected: issues.badRows, attributesDefined,
    }
    if (rejectsPath) summary.rejectsFile = rejectsPath
    return summary
  })
}

/** The problem of a row whose customer id an earlier kept row already has, if it does. */
function repeatedRow(repeatedIds: RepeatedIds | undefined, id: string, line: number): RowProblem[] | undefined {
  const first = repeatedIds?.seen(id, line)
  if (first === undefined) return undefined
  return [{
    line, code: 'row.duplicate-id',
    message: `customer ${JSON.stringify(id)} is also on line ${first}: a file may hold each customer once (or pass --on-duplicate last to let the later row win)`,
  }]
}

/**
 * First pass: checks the header (CSV), infers the types of attribute columns the catalogue
 * does not declare and, unless the later row may win, hashes the ids to find repeated ones.
 * Malformed rows are skipped here; the write pass reports them.
 */
async function scanFile(options: CustomerImportOptions, format: 'csv' | 'jsonl', catalogue: AttributeDef[]): Promise<{ inference: RecordInference; repeatedIds?: RepeatedIds }> {
  const declared = new Set(catalogue.filter((def) => def.source === 'declared').map((def) => def.name))
  const inference = new RecordInference()
  const ids = options.onDuplicate === 'last' ? undefined : new IdHashScan()
  const observeId = (raw: unknown) => {
    const id = customerIdOf(raw)
    if (id !== undefined) ids?.observe(id)
  }
  const reader = new RecordReader(options.path, format, (bytesRead, totalBytes) => options.onProgress?.({ phase: 'scan', bytesRead, totalBytes }), CUSTOMER_HEADER)
  let roles: ColumnRoles | undefined
  let rolesIdColumn = ''
  // CSV: the inferred columns as (cell index, state) pairs, resolved once from the header.
  let csvColumns: [number, ColumnInference][] | undefined
  let csvIdIndex = -1
  for await (const records of reader.batches()) {
    if (format === 'csv' && !csvColumns) {
      const csvRoles = checkCsvHeader(reader.header)
      roles = csvRoles
      csvIdIndex = reader.header.indexOf(rolesIdColumn)
      csvColumns = reader.header.flatMap((column, index): [number, ColumnInference][] =>
        !declared.has(column) && csvRoles.of(column).type === 'attribute' ? [[index, inference.column(column)]] : [])
    }
    for (const record of records) {
      if (record.problem) continue
      if (csvColumns) {
        const cells = record.raw as string[]
        for (const [index, state] of csvColumns) state.observe(cells[index])
        observeId(cells[csvIdIndex])
        continue
      }
      const values = flattenCustomerValues(record.values)
      const idColumn = 'customer_id' in values ? 'customer_id' : 'id'
      observeId(values[idColumn])
      if (!roles || idColumn !== rolesIdColumn) {
        roles = new ColumnRoles(idColumn)
        rolesIdColumn = idColumn
      }
      for (const column in values) {
        if (!declared.has(column) && roles.of(column).type === 'attribute') inference.observe(column, values[column])
      }
    }
  }
  if (format === 'csv' && !roles) checkCsvHeader(reader.header)
  return ids ? { inference, repeatedIds: ids.finish() } : { inference }

  function checkCsvHeader(header: string[]): ColumnRoles {
    const idColumn = findIdColumn(header)
    const issues: Issue[] = []
    if (!idColumn) {
      issues.push({ code: 'header.id', path: 'line 1', message: `expected a ${ID_COLUMNS.join(' or ')} column, got columns ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', ...' : ''}` })
    }
    const checked = new ColumnRoles(idColumn ?? ID_COLUMNS[0])
    for (const column of header) {
      const role = checked.of(column)
      if (role.type === 'invalid') issues.push({ code: 'header.column', path: `line 1, column ${column}`, message: role.message })
    }
    if (issues.length > 0) {
      throw new ValidationError(`${options.path}: the header is invalid, nothing was imported:\n${issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')}`, issues)
    }
    rolesIdColumn = idColumn!
    return checked
  }
}

/**
 * Adds the user's declared types to the catalogue. A type the catalogue already declares
 * differently is a conflict: declared types are never overwritten.
 */
function applyDeclaredTypes(catalogue: AttributeDef[], declared: AttributeDef[]): { defs: AttributeDef[]; toDeclare: AttributeDef[] } {
  const byName = new Map(catalogue.map((def) => [def.name, def]))
  const toDeclare: AttributeDef[] = []
  for (const def of declared) {
    const known = byName.get(def.name)
    if (known?.source === 'declared') {
      if (known.type !== def.type) {
        throw new UserError('import.type-conflict', `attribute ${def.name} is declared as ${known.type} in the catalogue, so it cannot be imported as ${def.type}`)
      }
      continue
    }
    const declaredDef: AttributeDef = { ...def, source: 'declared' }
    byName.set(def.name, declaredDef)
    toDeclare.push(declaredDef)
  }
  return { defs: [...byName.values()], toDeclare }
}

/** The customers and consents waiting to be written, with running totals. */
class CustomerBatch {
  private customers: CustomerInput[] = []
  private consents: ConsentInput[] = []
  private ids = new Set<string>()
  inserted = 0
  updated = 0

  constructor(private readonly store: StorePort) {}

  get size(): number {
    return this.customers.length
  }

  /** True when `id` is already in this batch: a repeated id must land in a later write. */
  has(id: string): boolean {
    return this.ids.has(id)
  }

  add(customer: CustomerInput, consents: ConsentInput[]): void {
    this.customers.push(customer)
    this.ids.add(customer.id)
    for (const consent of consents) this.consents.push(consent)
  }

  /** Writes the batch: customers first, since consents refer to them. */
  async flush(): Promise<void> {
    if (this.customers.length === 0) return
    const result = await this.store.upsertCustomers(this.customers)
    this.inserted += result.inserted
    this.updated += result.updated
    if (this.consents.length > 0) await this.store.setConsents(this.consents)
    this.customers = []
    this.consents = []
    this.ids = new Set()
  }
}

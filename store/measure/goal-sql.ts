/**
 * The SQL of `measureGoal` (engine/ports/engine-store.ts GoalQuery), for both dialects: the
 * run's measured customers with their anchor times, joined to their goal and engagement events
 * through the (customer, type, time) index, aggregated per segment × holdout in the database.
 * Only closed windows (anchor + window ≤ now) are counted; open ones are counted apart. Only
 * customers with an outcome, or with an open window, come back one by one (the report breaks
 * them down by node and channel), never the whole audience.
 *
 * Values, property and attribute names are bound parameters (SqlParams), never SQL text.
 */
import type { GoalAnswer, GoalQuery } from '../../engine/ports/engine-store.ts'
import type { Dialect } from '../../engine/ports/store.ts'
import { SqlParams, sqliteJsonPath } from '../core/sql-params.ts'

export interface BoundStatement {
  text: string
  params: SqlParams
}

export interface GoalStatements {
  groups: BoundStatement
  outcomes: BoundStatement
  open: BoundStatement
  holdout: BoundStatement
}

/** The four statements of one goal query. */
export function goalStatements(dialect: Dialect, runId: string, query: GoalQuery): GoalStatements {
  const engaged = (query.engagement ?? []).map((_, i) => `engaged_${i}`)
  // Closed windows are compared; an open one (its conversions not all in) only counts as open.
  const groups = build(dialect, runId, query, (p, cte) => {
    const { join, segment } = segmentOf(dialect, p, query.by)
    const closed = (value: string) => `sum(CASE WHEN o.closed = 1 THEN ${value} ELSE 0 END)`
    return `${cte}
      SELECT ${segment} AS segment, o.holdout AS holdout, ${closed('1')} AS customers,
        ${closed('CASE WHEN o.conversions > 0 THEN 1 ELSE 0 END')} AS converted, coalesce(${closed('o.revenue')}, 0) AS revenue,
        ${engaged.map((e) => `${closed(`o.${e}`)} AS ${e}, `).join('')}sum(1 - o.closed) AS open
      FROM outcome o ${join}
      GROUP BY 1, 2`
  })
  const outcomes = build(dialect, runId, query, (_p, cte) => `${cte}
      SELECT o.key AS key, o.holdout AS holdout, o.conversions AS conversions, o.revenue AS revenue${engaged.map((e) => `, o.${e} AS ${e}`).join('')}
      FROM outcome o WHERE o.closed = 1 AND (o.conversions > 0${engaged.map((e) => ` OR o.${e} = 1`).join('')})
      ORDER BY o.key`)
  const open = build(dialect, runId, query, (_p, cte) => `${cte}
      SELECT o.key AS key FROM outcome o WHERE o.closed = 0 ORDER BY o.key`)
  // Every holdout customer of the run, measured or not: the report splits node arrivals with it.
  const holdoutParams = new SqlParams(dialect)
  const holdout = {
    text: `SELECT p.customer_key AS key FROM positions p WHERE p.run_id = ${holdoutParams.add(runId, 'text')} AND p.holdout = ${dialect === 'sqlite' ? '1' : 'true'} ORDER BY p.customer_key`,
    params: holdoutParams,
  }
  return { groups, outcomes, open, holdout }
}

function build(dialect: Dialect, runId: string, query: GoalQuery, tail: (p: SqlParams, cte: string) => string): BoundStatement {
  const p = new SqlParams(dialect)
  return { text: tail(p, cte(dialect, p, runId, query)), params: p }
}

/** `measured` (key, holdout 0/1, anchor) and `outcome` (… closed 0/1, conversions, revenue, engaged_i 0/1). */
function cte(dialect: Dialect, p: SqlParams, runId: string, query: GoalQuery): string {
  const run = p.add(runId, 'text')
  const holdout = dialect === 'sqlite' ? 'p.holdout' : 'CASE WHEN p.holdout THEN 1 ELSE 0 END'
  let measured: string
  if (query.anchors === undefined) {
    measured = `SELECT p.customer_key AS key, ${holdout} AS holdout, p.entered_at AS anchor FROM positions p WHERE p.run_id = ${run}`
  } else if (dialect === 'sqlite') {
    // CROSS JOIN fixes the order: one primary-key probe of positions per anchor. Left to itself
    // SQLite scans the JSON array once per position of the run (5 s for 626 anchors × 7,043 positions).
    const anchors = p.add(JSON.stringify(query.anchors.map((a) => [a.key, a.at])))
    measured = `SELECT p.customer_key AS key, ${holdout} AS holdout, coalesce(json_extract(j.value, '$[1]'), p.entered_at) AS anchor
      FROM json_each(${anchors}) j CROSS JOIN positions p WHERE p.run_id = ${run} AND p.customer_key = json_extract(j.value, '$[0]')`
  } else {
    const anchors = p.add(JSON.stringify(query.anchors.map((a) => ({ key: a.key, at: a.at }))), 'jsonb')
    measured = `SELECT p.customer_key AS key, ${holdout} AS holdout, coalesce(a.at, p.entered_at) AS anchor
      FROM jsonb_to_recordset(${anchors}) AS a(key int, at bigint) JOIN positions p ON p.run_id = ${run} AND p.customer_key = a.key`
  }
  const within = p.add(query.withinMs, 'bigint')
  const now = p.add(query.now, 'bigint')
  const inWindow = (alias: string) => `${alias}.customer_key = m.key AND ${alias}.at >= m.anchor AND ${alias}.at <= m.anchor + ${within} AND ${alias}.at <= ${now}`
  const goal = `${inWindow('g')} AND g.type = ${p.add(query.event, 'text')}${Object.entries(query.where ?? {}).map(([name, value]) => ` AND ${propertyEquals(dialect, p, name, value)}`).join('')}`
  const revenue = query.revenue === undefined ? '0' : `(SELECT coalesce(sum(${numberProperty(dialect, p, query.revenue)}), 0) FROM events g WHERE ${goal})`
  const engaged = (query.engagement ?? []).map(
    (type, i) => `, CASE WHEN EXISTS (SELECT 1 FROM events x WHERE ${inWindow('x')} AND x.type = ${p.add(type, 'text')}) THEN 1 ELSE 0 END AS engaged_${i}`,
  )
  return `WITH measured AS (${measured}),
    outcome AS (
      SELECT m.key AS key, m.holdout AS holdout, m.anchor AS anchor,
        CASE WHEN m.anchor + ${within} <= ${now} THEN 1 ELSE 0 END AS closed,
        (SELECT count(*) FROM events g WHERE ${goal}) AS conversions, ${revenue} AS revenue${engaged.join('')}
      FROM measured m)`
}

/** Property `name` of event `g` equals `value`, type included (as the engine matches wake-ups). */
function propertyEquals(dialect: Dialect, p: SqlParams, name: string, value: string | number | boolean): string {
  if (dialect === 'postgres') return `g.properties -> ${p.add(name, 'text')} = ${p.add(JSON.stringify(value), 'jsonb')}`
  const path = p.add(sqliteJsonPath(name))
  if (typeof value === 'boolean') return `json_type(g.properties, ${path}) = '${value ? 'true' : 'false'}'`
  const type = typeof value === 'number' ? `IN ('integer', 'real')` : `= 'text'`
  return `json_type(g.properties, ${path}) ${type} AND json_extract(g.properties, ${path}) = ${p.add(value)}`
}

/** Property `name` of event `g` when it is a number, else 0. */
function numberProperty(dialect: Dialect, p: SqlParams, name: string): string {
  if (dialect === 'postgres') {
    const key = p.add(name, 'text')
    return `CASE WHEN jsonb_typeof(g.properties -> ${key}) = 'number' THEN (g.properties ->> ${key})::float8 ELSE 0 END`
  }
  const path = p.add(sqliteJsonPath(name))
  return `CASE WHEN json_type(g.properties, ${path}) IN ('integer', 'real') THEN json_extract(g.properties, ${path}) ELSE 0 END`
}

/** The segment column: an attribute or a tag value as text (booleans `true` / `false`), or null for everyone. */
function segmentOf(dialect: Dialect, p: SqlParams, by: GoalQuery['by']): { join: string; segment: string } {
  if (by === undefined) return { join: '', segment: dialect === 'sqlite' ? 'NULL' : 'NULL::text' }
  if ('attribute' in by) {
    if (dialect === 'postgres') return { join: 'LEFT JOIN customers c ON c.key = o.key', segment: `(c.attributes ->> ${p.add(by.attribute, 'text')})` }
    return { join: 'LEFT JOIN customers c ON c.key = o.key', segment: sqliteText('c.attributes', p.add(sqliteJsonPath(by.attribute))) }
  }
  const join = `LEFT JOIN customer_tags t ON t.customer_key = o.key AND t.name = ${p.add(by.tag, 'text')}`
  return { join, segment: dialect === 'postgres' ? `(t.value #>> '{}')` : sqliteText('t.value', "'$'") }
}

function sqliteText(doc: string, path: string): string {
  return `CASE json_type(${doc}, ${path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL
    ELSE CAST(json_extract(${doc}, ${path}) AS TEXT) END`
}

type Row = Record<string, unknown>

/** Runs the four statements through `all` (one dialect's "rows of a statement") and shapes the answer. */
export async function measureGoalWith(dialect: Dialect, runId: string, query: GoalQuery, all: (statement: BoundStatement) => Promise<Row[]>): Promise<GoalAnswer> {
  const statements = goalStatements(dialect, runId, query)
  const types = query.engagement ?? []
  const engagedOf = (row: Row) => types.map((_, i) => Number(row[`engaged_${i}`] ?? 0))
  const groups = (await all(statements.groups)).map((row) => ({
    segment: row.segment === null || row.segment === undefined ? null : String(row.segment),
    holdout: Number(row.holdout) === 1,
    customers: Number(row.customers),
    converted: Number(row.converted),
    revenue: Number(row.revenue),
    engaged: engagedOf(row),
    open: Number(row.open),
  }))
  const outcomes = (await all(statements.outcomes)).map((row) => ({
    key: Number(row.key),
    holdout: Number(row.holdout) === 1,
    converted: Number(row.conversions) > 0,
    revenue: Number(row.revenue),
    engaged: engagedOf(row).map((n) => n === 1),
  }))
  const openKeys = (await all(statements.open)).map((row) => Number(row.key))
  const holdout = (await all(statements.holdout)).map((row) => Number(row.key))
  return { groups, outcomes, openKeys, holdout }
}

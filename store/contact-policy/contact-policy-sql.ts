/**
 * The contact-policy queries, one text per dialect. Every value is a bound parameter; the cohort
 * travels as ONE JSON array of store keys, so a batch of any size is one statement per question.
 * Counted contacts: history rows that reached the customer (`sent`, `delivered`) plus outbox
 * intents still `pending` (delivered intents are already in history; dead ones never arrived).
 * Competing demand leaves out other flows' holdout customers: they are never contacted, so
 * they neither win a customer from this flow nor keep capacity from it. The gates of running
 * flows are data stored on each run at publish (`runs.options` → `gates`: node and channel, from
 * the node declarations, engine/executor/run-options.ts): no statement reads a node's type or
 * config out of a flow definition, so a node's config migration cannot break arbitration.
 */

/** Statement texts of one dialect, in the order the runners bind them (see each comment). */
export interface ContactPolicySql {
  /** (keys JSON, since, keys JSON) → customer_key, channel, at, flow_id, offer, pending. */
  contacts: string
  /** (keys JSON) → customer_key of the suppressed. */
  suppressed: string
  /** (keys JSON) → customer_key, channel, status. */
  consents: string
  /** (channel, from, to, channel, from, to) → n. */
  capacity: string
  /** (flowId, keys JSON, until) → customer_key, priority. */
  competitors: string
  /** (flowId, channel, abovePriority, capacity from, capacity to) → n. */
  demand: string
}

const REACHED = `('sent', 'delivered')`

export const SQLITE_CONTACT_POLICY: ContactPolicySql = {
  contacts: `
    SELECT c.customer_key, c.channel, c.at, c.flow_id, c.offer, 0 AS pending
    FROM contacts c WHERE c.customer_key IN (SELECT value FROM json_each(?)) AND c.at >= ? AND c.status IN ${REACHED}
    UNION ALL
    SELECT o.customer_key, o.channel, o.created_at, o.flow_id, o.offer, 1
    FROM outbox o WHERE o.state = 'pending' AND o.customer_key IN (SELECT value FROM json_each(?))
    ORDER BY 1, 3`,
  suppressed: `
    SELECT c.key AS customer_key FROM customers c
    WHERE c.key IN (SELECT value FROM json_each(?))
      AND (EXISTS (SELECT 1 FROM suppressions s WHERE s.scope = 'customer' AND s.value = c.external_id)
        OR EXISTS (SELECT 1 FROM customer_addresses a JOIN suppressions s ON s.scope = a.kind AND s.value = a.address
                   WHERE a.customer_key = c.key))
    ORDER BY 1`,
  consents: `
    SELECT customer_key, channel, status FROM consents WHERE customer_key IN (SELECT value FROM json_each(?)) ORDER BY 1, 2`,
  capacity: `
    SELECT (SELECT COUNT(*) FROM contacts WHERE channel = ? AND at >= ? AND at < ? AND status IN ${REACHED})
         + (SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND channel = ? AND created_at >= ? AND created_at < ?) AS n`,
  // The gates of running flows: few rows, so parsing their runs' options is cheap.
  competitors: `
    WITH gates AS (
      SELECT r.id AS run_id, json_extract(g.value, '$.nodeId') AS node_id,
             CAST(json_extract(v.definition, '$.settings.priority') AS INTEGER) AS priority
      FROM runs r
      JOIN flow_versions v ON v.flow_id = r.flow_id AND v.version = r.flow_version
      JOIN json_each(r.options, '$.gates') g
      WHERE r.state = 'running' AND r.flow_id <> ?
    )
    SELECT p.customer_key, MAX(g.priority) AS priority
    FROM gates g JOIN positions p ON p.run_id = g.run_id AND p.node_id = g.node_id
    WHERE p.customer_key IN (SELECT value FROM json_each(?)) AND p.state = 'active' AND p.holdout = 0 AND p.due_at < ?
    GROUP BY p.customer_key ORDER BY 1`,
  demand: `
    WITH gates AS (
      SELECT r.id AS run_id, json_extract(g.value, '$.nodeId') AS node_id
      FROM runs r
      JOIN flow_versions v ON v.flow_id = r.flow_id AND v.version = r.flow_version
      JOIN json_each(r.options, '$.gates') g
      WHERE r.state = 'running' AND r.flow_id <> ?
        AND json_extract(g.value, '$.channel') = ?
        AND CAST(json_extract(v.definition, '$.settings.priority') AS INTEGER) > ?
    )
    SELECT COUNT(*) AS n FROM gates g JOIN positions p ON p.run_id = g.run_id AND p.node_id = g.node_id
    WHERE p.state = 'active' AND p.holdout = 0 AND p.due_at >= ? AND p.due_at < ?`,
}

export const PG_CONTACT_POLICY: ContactPolicySql = {
  contacts: `
    SELECT c.customer_key, c.channel, c.at, c.flow_id, c.offer, false AS pending
    FROM contacts c WHERE c.customer_key IN (SELECT jsonb_array_elements_text($1::jsonb)::int) AND c.at >= $2 AND c.status IN ${REACHED}
    UNION ALL
    SELECT o.customer_key, o.channel, o.created_at, o.flow_id, o.offer, true
    FROM outbox o WHERE o.state = 'pending' AND o.customer_key IN (SELECT jsonb_array_elements_text($3::jsonb)::int)
    ORDER BY 1, 3`,
  suppressed: `
    SELECT c.key AS customer_key FROM customers c
    WHERE c.key IN (SELECT jsonb_array_elements_text($1::jsonb)::int)
      AND (EXISTS (SELECT 1 FROM suppressions s WHERE s.scope = 'customer' AND s.value = c.external_id)
        OR EXISTS (SELECT 1 FROM customer_addresses a JOIN suppressions s ON s.scope = a.kind AND s.value = a.address
                   WHERE a.customer_key = c.key))
    ORDER BY 1`,
  consents: `
    SELECT customer_key, channel, status FROM consents WHERE customer_key IN (SELECT jsonb_array_elements_text($1::jsonb)::int) ORDER BY 1, 2`,
  capacity: `
    SELECT (SELECT COUNT(*) FROM contacts WHERE channel = $1 AND at >= $2 AND at < $3 AND status IN ${REACHED})
         + (SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND channel = $4 AND created_at >= $5 AND created_at < $6) AS n`,
  competitors: `
    WITH gates AS (
      SELECT r.id AS run_id, g.value ->> 'nodeId' AS node_id, (v.definition::jsonb #>> '{settings,priority}')::int AS priority
      FROM runs r
      JOIN flow_versions v ON v.flow_id = r.flow_id AND v.version = r.flow_version
      CROSS JOIN LATERAL jsonb_array_elements(COALESCE(r.options::jsonb -> 'gates', '[]'::jsonb)) g
      WHERE r.state = 'running' AND r.flow_id <> $1
    )
    SELECT p.customer_key, MAX(g.priority) AS priority
    FROM gates g JOIN positions p ON p.run_id = g.run_id AND p.node_id = g.node_id
    WHERE p.customer_key IN (SELECT jsonb_array_elements_text($2::jsonb)::int) AND p.state = 'active' AND NOT p.holdout AND p.due_at < $3
    GROUP BY p.customer_key ORDER BY 1`,
  demand: `
    WITH gates AS (
      SELECT r.id AS run_id, g.value ->> 'nodeId' AS node_id
      FROM runs r
      JOIN flow_versions v ON v.flow_id = r.flow_id AND v.version = r.flow_version
      CROSS JOIN LATERAL jsonb_array_elements(COALESCE(r.options::jsonb -> 'gates', '[]'::jsonb)) g
      WHERE r.state = 'running' AND r.flow_id <> $1
        AND g.value ->> 'channel' = $2
        AND (v.definition::jsonb #>> '{settings,priority}')::int > $3
    )
    SELECT COUNT(*) AS n FROM gates g JOIN positions p ON p.run_id = g.run_id AND p.node_id = g.node_id
    WHERE p.state = 'active' AND NOT p.holdout AND p.due_at >= $4 AND p.due_at < $5`,
}

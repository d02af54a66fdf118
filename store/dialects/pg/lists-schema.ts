/**
 * Static lists (uploaded customer ids) for PostgreSQL, kept apart from the customer store's
 * schema because the segment module owns them. Like the store's other tables there are no
 * foreign keys (the store resolves every key itself; a trigger per row would slow uploads);
 * the (list_key, customer_key) primary key serves membership probes and member scans.
 */
import { bigint, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'

const epochMs = (name: string) => bigint(name, { mode: 'number' })

export const staticLists = pgTable('static_lists', {
  key: integer('key').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull().unique(),
  description: text('description'),
  createdAt: epochMs('created_at').notNull(),
  updatedAt: epochMs('updated_at').notNull(),
})

export const staticListMembers = pgTable(
  'static_list_members',
  {
    listKey: integer('list_key').notNull(),
    customerKey: integer('customer_key').notNull(),
    addedAt: epochMs('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.listKey, t.customerKey] }), index('static_list_members_customer').on(t.customerKey)],
)

/**
 * Static lists (uploaded customer ids) for SQLite, kept apart from the customer store's schema
 * because the segment module owns them. A segment condition `{ type: 'list', list: NAME }`
 * joins `static_list_members` by name; the (list_key, customer_key) primary key serves both
 * "is this customer on the list" probes and "every member of the list" scans.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { customers } from './schema.ts'

export const staticLists = sqliteTable('static_lists', {
  key: integer('key').primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

export const staticListMembers = sqliteTable(
  'static_list_members',
  {
    listKey: integer('list_key')
      .notNull()
      .references(() => staticLists.key, { onDelete: 'cascade' }),
    customerKey: integer('customer_key')
      .notNull()
      .references(() => customers.key, { onDelete: 'cascade' }),
    addedAt: integer('added_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.listKey, t.customerKey] }),
    // Deleting a customer cascades here: without this index each delete would scan every list.
    index('static_list_members_customer').on(t.customerKey),
  ],
)

/**
 * The error of a store that is not there: a SQLite file that does not exist or holds no Sluice
 * tables, a Postgres schema without them. Commands that only read or run refuse such a store
 * (store/open-store.ts, `ifMissing: 'refuse'`) instead of creating an empty one, so a mistyped
 * path fails loudly rather than reporting 0 customers; the CLI adds how to create it.
 */
import { StoreUnavailableError } from '../../engine/errors.ts'

export class StoreMissingError extends StoreUnavailableError {}

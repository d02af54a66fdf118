/**
 * Column values read back the same way on both dialects: node-postgres returns bigint and
 * count columns as strings and booleans as booleans, SQLite numbers and 1 / 0. Epoch ms and
 * keys stay far below 2^53.
 */
export const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value))
export const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : num(value))
export const bool = (value: unknown): boolean => value === true || value === 1
export const textOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value))

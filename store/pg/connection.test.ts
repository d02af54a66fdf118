import { describe, expect, it } from 'vitest'
import { StoreUnavailableError } from '../../engine/errors.ts'
import { checkSchemaName, describeServer, mapPgError } from './connection.ts'

describe('Postgres connection helpers', () => {
  it('names the server by host and port only, never the password', () => {
    expect(describeServer('postgres://user:pw@db.example.com:6543/app')).toBe('db.example.com:6543')
    expect(describeServer('postgres://user@localhost/app')).toBe('localhost:5432')
  })

  it('accepts only plain lower-case identifiers as schema names', () => {
    expect(checkSchemaName('sluice_t_01ab')).toBe('sluice_t_01ab')
    for (const bad of ['Public', '1abc', 'a-b', 'a; drop', '']) expect(() => checkSchemaName(bad)).toThrow(StoreUnavailableError)
  })

  it('maps connection-level failures to StoreUnavailableError and leaves data errors alone', () => {
    const url = 'postgres://u@h:5432/d'
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    const auth = Object.assign(new Error('password authentication failed'), { code: '28P01' })
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })
    const unique = Object.assign(new Error('duplicate key value'), { code: '23505' })
    expect(mapPgError(url, refused)).toBeInstanceOf(StoreUnavailableError)
    expect(mapPgError(url, auth)).toBeInstanceOf(StoreUnavailableError)
    expect(mapPgError(url, shutdown)).toBeInstanceOf(StoreUnavailableError)
    expect(mapPgError(url, unique)).toBe(unique)
    expect(mapPgError(url, new Error('Connection terminated unexpectedly'))).toBeInstanceOf(StoreUnavailableError)
  })
})

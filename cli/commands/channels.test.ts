import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UserError } from '../../engine/errors.ts'
import { runCommand } from '../run-command.ts'
import { register } from './channels.ts'

const project = mkdtempSync(path.join(tmpdir(), 'sluice-channels-cli-'))
const mails: { to: string[]; raw: string }[] = []
let smtp: SMTPServer
let port = 0

beforeAll(async () => {
  smtp = new SMTPServer({
    allowInsecureAuth: true, disabledCommands: ['STARTTLS'], logger: false,
    onAuth: (auth, _s, callback) => (auth.password === 'right-password' ? callback(null, { user: auth.username }) : callback(Object.assign(new Error('5.7.8 authentication failed'), { responseCode: 535 }))),
    onRcptTo: (address, _s, callback) => (address.address === 'gone@example.com' ? callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 })) : callback()),
    onData(stream, session, callback) {
      let raw = ''
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')))
      stream.on('end', () => (mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw }), callback()))
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  port = (smtp.server.address() as AddressInfo).port
  writeFileSync(path.join(project, 'sluice.config.mjs'), `export default ${JSON.stringify({
    channels: {
      adapters: {
        mail: { kind: 'smtp', host: '127.0.0.1', port, auth: { user: 'sluice', pass: { env: 'CLI_TEST_SMTP_PASS' } }, from: 'Shop <news@shop.example>' },
        gateway: { kind: 'webhook', url: 'https://sms.example.com/send', secret: { env: 'CLI_TEST_UNSET_HMAC' }, headers: { 'X-Api-Key': 'literal-key-123' } },
      },
      email: 'mail', sms: 'gateway',
    },
  })}\n`)
})
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()))
  rmSync(project, { recursive: true, force: true })
  delete process.env.CLI_TEST_SMTP_PASS
})

const channels = (...args: string[]) => runCommand(register, ['channels', ...args, '--root', project])

describe('sluice channels list', () => {
  it('shows adapters with secrets masked and the adapter of each channel', async () => {
    process.env.CLI_TEST_SMTP_PASS = 'right-password'
    const run = await channels('list')
    expect(run.error).toBeUndefined()
    expect(run.stdout).toContain('  mail (smtp)\n    host: 127.0.0.1\n')
    expect(run.stdout).toContain('    auth.user: sluice\n    auth.pass: $CLI_TEST_SMTP_PASS (set)\n')
    expect(run.stdout).toContain('    secret: $CLI_TEST_UNSET_HMAC (not set)\n    headers.X-Api-Key: ••••\n')
    expect(run.stdout).not.toContain('right-password')
    expect(run.stdout).not.toContain('literal-key-123')
    expect(run.stdout).toContain('  email   → mail\n  sms     → gateway\n  call    → (none: sends are dead-lettered)\n')
  })

  it('prints JSON', async () => {
    const run = await channels('list', '--json')
    const description = JSON.parse(run.stdout) as { adapters: { name: string; channels: string[] }[]; channels: Record<string, string | null> }
    expect(description.adapters.map((a) => [a.name, a.channels])).toEqual([['log', []], ['mail', ['email']], ['gateway', ['sms']]])
    expect(description.channels.push).toBeNull()
  })
})

describe('sluice channels test', () => {
  it('sends a test e-mail through the SMTP adapter (the other adapters\' variables need not be set)', async () => {
    process.env.CLI_TEST_SMTP_PASS = 'right-password'
    const run = await channels('test', 'mail', '--to', 'ann@example.com')
    expect(run.error).toBeUndefined()
    expect(run.stdout).toMatch(/^Sent a test message through mail \(email to ann@example\.com\) in \d+ ms\.\n$/)
    expect(mails.at(-1)?.to).toEqual(['ann@example.com'])
    expect(mails.at(-1)?.raw).toMatch(/^Subject: Sluice test message \(mail\)\r$/m)
  })

  it('exits 1 with the adapter\'s error when the delivery fails', async () => {
    process.env.CLI_TEST_SMTP_PASS = 'wrong-password'
    const run = await channels('test', 'mail', '--to', 'ann@example.com')
    expect(run.error).toBeInstanceOf(UserError)
    expect((run.error as Error).message).toMatch(/^adapter "mail" did not deliver the test message \(email to ann@example\.com\): smtp "mail": .*535.*authentication failed/)
    process.env.CLI_TEST_SMTP_PASS = 'right-password'
    const bounced = await channels('test', 'mail', '--to', 'gone@example.com')
    expect((bounced.error as Error).message).toMatch(/550 .*mailbox unavailable.* \(permanent: retrying will not help\)$/)
  })

  it('names what is missing: the variable, the recipient, the adapter', async () => {
    const unset = await channels('test', 'gateway', '--to', '+15550001')
    expect((unset.error as Error).message).toMatch(/sluice\.config\.mjs: a setting cannot be used:\n {2}default\.channels\.adapters\.gateway\.secret\.env: the environment variable CLI_TEST_UNSET_HMAC is not set/)
    expect((await channels('test', 'mail')).error).toMatchObject({ message: 'adapter "mail" sends e-mail: the test needs a recipient address (--to on the command line, "to" in the API)' })
    expect((await channels('test', 'fax')).error).toMatchObject({ message: expect.stringMatching(/^there is no channel adapter "fax" in .*sluice\.config\.mjs; configured: log, mail, gateway$/) })
    expect((await channels('test', 'log', '--channel', 'fax')).error).toMatchObject({ message: '--channel: expected one of email, sms, call, push, wechat, inbox, got "fax"' })
  })

  it('sends through the built-in log adapter', async () => {
    const run = await channels('test', 'log', '--json')
    expect(JSON.parse(run.stdout)).toMatchObject({ adapter: 'log', channel: 'email', to: null, result: { status: 'sent' } })
  })
})

/**
 * Which network addresses an outbound webhook may reach. Loopback, private (RFC 1918, IPv6
 * unique-local), link-local, cloud metadata, unspecified, carrier-grade NAT and multicast
 * addresses are refused, including IPv4 addresses written inside IPv6 (`::ffff:10.0.0.1`), so a
 * flow author cannot point a webhook at the machine itself or the internal network (SSRF).
 * An allow-list (host names, addresses or CIDR blocks) opens exceptions on purpose.
 */
import { BlockList, isIP } from 'node:net'

/** Blocked ranges with the word used in refusal messages. */
const RANGES: readonly [kind: string, address: string, prefix: number, family: 'ipv4' | 'ipv6'][] = [
  ['metadata', '169.254.169.254', 32, 'ipv4'],
  ['metadata', '100.100.100.200', 32, 'ipv4'], // Alibaba Cloud
  ['metadata', 'fd00:ec2::254', 128, 'ipv6'], // AWS over IPv6
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['carrier-grade NAT', '100.64.0.0', 10, 'ipv4'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'],
  ['loopback', '::1', 128, 'ipv6'],
  ['unspecified', '::', 128, 'ipv6'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['multicast', 'ff00::', 8, 'ipv6'],
]

const LISTS = RANGES.map(([kind, address, prefix, family]) => {
  const list = new BlockList()
  list.addSubnet(address, prefix, family)
  return { kind, list }
})

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 address (`::ffff:a.b.c.d`), if any. */
function embeddedIpv4(address: string): string | undefined {
  const dotted = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (dotted) return dotted[1]
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address)
  if (!hex) return undefined
  const high = parseInt(hex[1] as string, 16)
  const low = parseInt(hex[2] as string, 16)
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`
}

/** Why an IP address is refused (`loopback`, `private`, `link-local`, `metadata`, …), or null if it is public. */
export function blockedKind(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  const family = isIP(bare)
  if (family === 0) return 'not an IP address'
  if (family === 6) {
    const v4 = embeddedIpv4(bare)
    if (v4) return blockedKind(v4)
  }
  const type = family === 4 ? 'ipv4' : 'ipv6'
  for (const { kind, list } of LISTS) if (list.check(bare, type)) return kind
  return null
}

/** An allow-list of host names (exact, case-insensitive), IP addresses and CIDR blocks. */
export class AllowList {
  private readonly hosts = new Set<string>()
  private readonly blocks = new BlockList()
  private hasBlocks = false

  constructor(entries: readonly string[] = []) {
    for (const entry of entries) {
      const [address, prefix] = entry.split('/')
      const bare = (address ?? '').replace(/^\[|\]$/g, '')
      const family = isIP(bare)
      if (family === 0) {
        if (prefix !== undefined) throw new Error(`allow-list entry "${entry}" has a prefix but no IP address`)
        this.hosts.add(entry.toLowerCase())
        continue
      }
      const type = family === 4 ? 'ipv4' : 'ipv6'
      const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix)
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) throw new Error(`allow-list entry "${entry}" has an invalid prefix`)
      this.blocks.addSubnet(bare, bits, type)
      this.hasBlocks = true
    }
  }

  /** True when the host name is listed. */
  allowsHost(host: string): boolean {
    return this.hosts.has(host.toLowerCase().replace(/^\[|\]$/g, ''))
  }

  /** True when the address falls in a listed address or block. */
  allowsAddress(address: string): boolean {
    const bare = address.replace(/^\[|\]$/g, '')
    const family = isIP(bare)
    return this.hasBlocks && family !== 0 && this.blocks.check(bare, family === 4 ? 'ipv4' : 'ipv6')
  }
}

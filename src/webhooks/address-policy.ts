import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses a webhook may be sent to (SPEC §13): only public unicast
 * ones, decided with ipaddr.js's range tables rather than patterns of our
 * own. IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) count as the IPv4
 * address they carry.
 */
const RANGE_NAMES: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  uniqueLocal: 'a private address',
  linkLocal: 'a link-local address',
  multicast: 'a multicast address',
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  carrierGradeNat: 'a shared (carrier-grade NAT) address',
};

/** Why `address` may not receive webhooks, or null when it may (a public unicast address). */
export function addressProblem(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === 'unicast') return null;
  return `${address} is ${RANGE_NAMES[range] ?? `a reserved address (${range})`}`;
}

/** Thrown (as a lookup or request error) when an address is refused; never retried into a connection. */
export class BlockedAddressError extends Error {
  readonly code = 'EWEBHOOKBLOCKED';
  constructor(problem: string) {
    super(`blocked: ${problem}`);
    this.name = 'BlockedAddressError';
  }
}

/** The shape of `dns.lookup` as http.request's `lookup` option calls it. */
export type LookupFunction = (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => void;

export const systemLookup: LookupFunction = (hostname, options, callback) => dnsLookup(hostname, options, callback as never);

/** Every address `hostname` resolves to (through `lookup`). */
export function resolveAll(lookup: LookupFunction, hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(hostname, { all: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(Array.isArray(addresses) ? addresses : [{ address: addresses, family: isIP(addresses) }]);
    });
  });
}

/**
 * A `lookup` for the socket that refuses a name resolving to any address
 * that is not public, before a connection is opened: the check happens on
 * the address actually connected to, so a name that resolved to a public
 * address when the endpoint was added and to a private one now (DNS
 * rebinding) is refused too.
 */
export function guardedLookup(lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(lookup, hostname).then(
      (addresses) => {
        const problem = addresses.map((entry) => addressProblem(entry.address)).find((found) => found !== null);
        if (problem) return callback(new BlockedAddressError(`${hostname} resolves to ${problem}`), []);
        if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((entry) => entry.family === options.family) : addresses;
        if (options.all) return callback(null, wanted);
        const first = wanted[0] ?? addresses[0]!;
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}

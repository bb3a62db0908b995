// Per-sender arrays of server indices (a timer's base server, a sticky pin, a DNS answer) in as
// few bytes as the pool allows. With a million senders an Int32Array is 4 MB read at a random
// sender per message; at 2 bytes an entry it is half the pages and half the cache lines, which
// on the ESP-sized bench pool (5000 relays, 1 M senders) made the loop about a third faster.
// The values stored and read are the same integers, so every pick is unchanged.

/** The largest pool whose server indices fit in a Uint16Array. */
export const UINT16_SERVERS = 65536;

/** A zero-filled array of `length` server indices for a pool of `servers`: 2 bytes each when they fit, else 4. */
export function serverIndexArray(length: number, servers: number): Uint16Array | Int32Array {
  return servers <= UINT16_SERVERS ? new Uint16Array(length) : new Int32Array(length);
}

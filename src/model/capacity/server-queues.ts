// A FIFO of message slots per server (attempts waiting for a free session), as ring buffers.

export class ServerQueues {
  private readonly items: Int32Array[];
  private readonly heads: Int32Array;
  readonly lengths: Int32Array;

  constructor(servers: number) {
    this.items = Array.from({ length: servers }, () => new Int32Array(16));
    this.heads = new Int32Array(servers);
    this.lengths = new Int32Array(servers);
  }

  push(server: number, slot: number): void {
    let items = this.items[server];
    const length = this.lengths[server];
    if (length === items.length) {
      const grown = new Int32Array(items.length * 2);
      for (let i = 0; i < length; i++) grown[i] = items[(this.heads[server] + i) % items.length];
      this.items[server] = grown;
      this.heads[server] = 0;
      items = grown;
    }
    items[(this.heads[server] + length) % items.length] = slot;
    this.lengths[server] = length + 1;
  }

  shift(server: number): number {
    const items = this.items[server];
    const head = this.heads[server];
    this.heads[server] = head + 1 === items.length ? 0 : head + 1;
    this.lengths[server]--;
    return items[head];
  }
}

// The in-flight message table: slots are reused after release, and growth keeps every column.
import { describe, expect, it } from "vitest";
import { MessageTable } from "../../src/model/messages.js";

type Column = Int32Array | Float64Array | Uint8Array;

/** Every typed-array column of the table, whatever columns it has. */
function columns(table: MessageTable): Array<[string, Column]> {
  return Object.entries(table).filter(
    (e): e is [string, Column] =>
      e[1] instanceof Int32Array || e[1] instanceof Float64Array || e[1] instanceof Uint8Array,
  );
}

describe("MessageTable", () => {
  it("hands out fresh slots 0, 1, 2, … and counts them in flight", () => {
    const m = new MessageTable();
    expect(m.inFlight).toBe(0);
    expect([m.allocate(), m.allocate(), m.allocate()]).toEqual([0, 1, 2]);
    expect(m.inFlight).toBe(3);
  });

  it("reuses released slots before growing", () => {
    const m = new MessageTable();
    for (let i = 0; i < 10; i++) m.allocate();
    m.release(3);
    m.release(7);
    expect(m.inFlight).toBe(8);
    const reused = [m.allocate(), m.allocate()].sort((a, b) => a - b);
    expect(reused).toEqual([3, 7]);
    expect(m.allocate()).toBe(10);
    expect(m.inFlight).toBe(11);
  });

  it("keeps memory at the number in flight under steady churn", () => {
    const m = new MessageTable();
    for (let i = 0; i < 100_000; i++) m.release(m.allocate());
    expect(m.inFlight).toBe(0);
    expect(m.sender.length).toBeLessThanOrEqual(64);
  });

  it("grows every column past its capacity and keeps what was written", () => {
    const m = new MessageTable();
    const n = 1000;
    expect(columns(m).length).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < n; i++) {
      const slot = m.allocate();
      expect(slot).toBe(i);
      for (const [, column] of columns(m)) column[slot] = (i % 200) + 1;
    }
    for (const [name, column] of columns(m)) {
      expect(column.length, name).toBeGreaterThanOrEqual(n);
      for (let i = 0; i < n; i++) if (column[i] !== (i % 200) + 1) throw new Error(`${name}[${i}] = ${column[i]}`);
    }
  });
});

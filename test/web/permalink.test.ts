// The permalink's fragment: deflate + base64url, decoded back to the very same text.
import { describe, expect, it } from "vitest";
import { decodeFragment, encodeFragment } from "../../src/web/permalink.js";

describe("permalink fragments", () => {
  it("round-trips scenario text exactly, in URL-safe characters, shorter than the text", async () => {
    const text = JSON.stringify({
      name: "18of20",
      description: "ünïcode — and a long, repetitive description ".repeat(20),
      pool: { servers: 20 },
    });
    const fragment = await encodeFragment(text);
    expect(fragment).toMatch(/^#s=[A-Za-z0-9_-]+$/);
    expect(fragment.length).toBeLessThan(text.length / 2);
    expect(await decodeFragment(fragment)).toBe(text);
    expect(await decodeFragment(fragment.slice(1))).toBe(text);
  });

  it("reads no scenario from an empty or foreign fragment", async () => {
    expect(await decodeFragment("")).toBeNull();
    expect(await decodeFragment("#results")).toBeNull();
  });

  it("says a cut or altered link is damaged instead of loading garbage", async () => {
    const fragment = await encodeFragment(JSON.stringify({ name: "x", long: "y".repeat(500) }));
    await expect(decodeFragment(fragment.slice(0, fragment.length - 6))).rejects.toThrow(/damaged/);
    await expect(decodeFragment("#s=!!!")).rejects.toThrow(/damaged/);
  });
});

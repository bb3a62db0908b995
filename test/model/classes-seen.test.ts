import { describe, expect, it } from "vitest";
import { ClassesSeen } from "../../src/model/classes-seen.js";

class A {}
class B {}

describe("ClassesSeen", () => {
  it("answers false while one class is seen, then true from the second class on", () => {
    const seen = new ClassesSeen();
    expect(seen.several).toBe(false);
    expect(seen.note(new A())).toBe(false);
    expect(seen.note(new A())).toBe(false);
    expect(seen.several).toBe(false);
    expect(seen.note(new B())).toBe(true);
    expect(seen.note(new A())).toBe(true);
    expect(seen.several).toBe(true);
  });
});

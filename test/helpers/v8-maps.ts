// Whether two objects share V8's hidden class (map), for tests of hot-path classes that must keep
// one shape from construction on: a number field first stored as a small integer and later
// widened to a double replaces the class's map, and loops compiled against the old map were
// deoptimised when the next replication built its objects (docs/performance.md, branch lc-ratio).
import v8 from "node:v8";

v8.setFlagsFromString("--allow-natives-syntax");

/** %HaveSameMap(a, b), compiled after the flag is set. */
export const sameMap = new Function("a", "b", "return %HaveSameMap(a, b);") as (a: object, b: object) => boolean;

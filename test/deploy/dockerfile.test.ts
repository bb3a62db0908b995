// deploy/Dockerfile builds with `npm run build` from the files it copies: every script the build
// runs must be among them, or the image fails to build (nothing here runs docker).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url);
const dockerfile = readFileSync(new URL("deploy/Dockerfile", root), "utf8");
const build: string = JSON.parse(readFileSync(new URL("package.json", root), "utf8")).scripts.build;

describe("deploy/Dockerfile", () => {
  it("copies every script `npm run build` runs", () => {
    const scripts = [...build.matchAll(/node (scripts\/[\w.-]+\.mjs)/g)].map((m) => m[1]);
    expect(scripts).toContain("scripts/build-cli.mjs");
    const copied = dockerfile
      .split("\n")
      .filter((line) => line.startsWith("COPY ") && !line.includes("--from"))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    for (const script of scripts) expect(copied, script).toContain(script);
  });
});

// Modules that scripts/build-web.mjs supplies at bundle time.
declare module "relaysim:worker-source" {
  /** The worker bundle (src/web/worker.ts) as JavaScript text. */
  const source: string;
  export default source;
}

declare module "relaysim:presets" {
  /** The scenario library (scenarios/*.json): file name without .json → the file's text. */
  const presets: Record<string, string>;
  export default presets;
}

// Reading a scenario's fields in the notebooks' prose and closed forms.

/**
 * A list's `subscribers` as the share of recipient domains that consult it. The notebooks' pools
 * write it as a plain number; a rule by rank or by share of mail (`{"share", "exceptTop"}`,
 * `{"mailShare"}`) has no single share of domains, so it is refused rather than misread.
 */
export function domainShare(subscribers: number | { share?: number; mailShare?: number; exceptTop: number }): number {
  if (typeof subscribers !== "number") throw new Error("expected subscribers as a plain share of domains");
  return subscribers;
}

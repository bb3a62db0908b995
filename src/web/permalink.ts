// The permalink: the scenario as written in the form, in the URL's fragment (never sent to a
// server), deflated and base64url-encoded so a ticket can carry it: `#s=<base64url>`.

const PREFIX = "s=";

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function through(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const piped = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

/** The fragment (with its "#") that carries this scenario text. */
export async function encodeFragment(scenarioText: string): Promise<string> {
  const deflated = await through(new TextEncoder().encode(scenarioText), new CompressionStream("deflate-raw"));
  return `#${PREFIX}${toBase64Url(deflated)}`;
}

/** The scenario text a fragment carries, or null when it carries none; throws on a damaged one. */
export async function decodeFragment(fragment: string): Promise<string | null> {
  const body = fragment.startsWith("#") ? fragment.slice(1) : fragment;
  if (!body.startsWith(PREFIX)) return null;
  try {
    const inflated = await through(fromBase64Url(body.slice(PREFIX.length)), new DecompressionStream("deflate-raw"));
    return new TextDecoder("utf-8", { fatal: true }).decode(inflated);
  } catch {
    throw new Error("the link's scenario is damaged (it was cut short or changed): it cannot be read");
  }
}

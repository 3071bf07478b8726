// Share links: the program, its arguments and its input in the URL fragment,
// `#code=` + base64url(deflate-raw(JSON)). Needs only the browser's CompressionStream.

const PREFIX = 'code=';
/** A link never expands to more than this (a damaged or hostile link stays harmless). */
const MAX_BYTES = 4 << 20;

async function pipe(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  const reader = out.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_BYTES) {
      reader.cancel();
      throw new Error('it expands to more than 4 MiB');
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

function toBase64url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('it contains characters that base64url does not use');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  let bin;
  try {
    bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  } catch {
    throw new Error('its data has a wrong length (it may have been cut)');
  }
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** { source, args, stdin } -> the fragment (without `#`). */
export async function encodeState(state) {
  const json = JSON.stringify({ v: 1, source: state.source, args: state.args, stdin: state.stdin });
  const packed = await pipe(new TextEncoder().encode(json), new CompressionStream('deflate-raw'));
  return PREFIX + toBase64url(packed);
}

/** Is this fragment (without `#`) a share link? */
export const isShareFragment = (fragment) => fragment.startsWith(PREFIX);

/** The fragment (without `#`) -> { source, args, stdin }; throws an Error saying why not. */
export async function decodeState(fragment) {
  const data = fromBase64url(fragment.slice(PREFIX.length));
  if (data.length === 0) throw new Error('it holds no program');
  let bytes;
  try {
    bytes = await pipe(data, new DecompressionStream('deflate-raw'));
  } catch (e) {
    throw new Error(/4 MiB/.test(e.message) ? e.message : 'its data is damaged or incomplete');
  }
  let obj;
  try {
    obj = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new Error('its contents are not a program');
  }
  const str = (v) => typeof v === 'string';
  if (!obj || obj.v !== 1 || !str(obj.source) || !str(obj.args) || !str(obj.stdin)) {
    throw new Error('its contents are not a program of this playground');
  }
  return { source: obj.source, args: obj.args, stdin: obj.stdin };
}

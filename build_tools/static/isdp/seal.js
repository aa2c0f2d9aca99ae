/* Answers checked without a key in the page (build_tools/courses/sealing.py does the other
 * half): the page holds SHA-256(salt + canonical response) of the correct response; each
 * choice's feedback, sealed with AES-GCM under SHA-256(salt + "feedback:" + id), is in the
 * page's feedback file (JSON beside it), fetched on first use. Web Crypto needs a secure
 * context (https, or http://localhost while previewing). */
const encoder = new TextEncoder();

function bytes(base64) { return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)); }

async function digest(salt, text) {
  const label = encoder.encode(text);
  const data = new Uint8Array(salt.length + label.length);
  data.set(salt);
  data.set(label, salt.length);
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", data));
}

export const available = () => !!(globalThis.crypto && globalThis.crypto.subtle);

/* A response as the hash sees it: the chosen ids, sorted, joined by "[,]". */
export function canonical(ids) { return [...ids].sort().join("[,]"); }

export async function isCorrect(salt, keyHash, ids) {
  const hash = await digest(bytes(salt), canonical(ids));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("") === keyHash;
}

/* The sealed payload ({html, correct?}) for `label` ("feedback:<id>" or "explanation"). */
export async function unseal(salt, label, sealed) {
  const [iv, data] = sealed.split(".").map(bytes);
  const raw = await digest(bytes(salt), label);
  const key = await globalThis.crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]);
  const plain = await globalThis.crypto.subtle.decrypt({ name: "AES-GCM", iv }, key, data);
  return JSON.parse(new TextDecoder().decode(plain));
}

/* A page's feedback file: question id -> { feedback: { choice id: sealed }, explanation }.
 * Fetched once and kept; a failed fetch is forgotten, so the next use tries again. */
const files = new Map();

export function sealedFeedback(url) {
  if (!files.has(url)) {
    const loading = globalThis.fetch(url).then((response) => {
      if (!response.ok) { throw new Error(`HTTP ${response.status}`); }
      return response.json();
    });
    files.set(url, loading);
    loading.catch(() => files.delete(url));
  }
  return files.get(url);
}

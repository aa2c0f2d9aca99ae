/* The one uuid() of the runtime: statement ids and attempt registrations (version 4). */
export function uuid() {
  if (globalThis.crypto.randomUUID) { return globalThis.crypto.randomUUID(); }
  // randomUUID needs a secure context; getRandomValues does not (http://localhost previews).
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => (x + 0x100).toString(16).slice(1)).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

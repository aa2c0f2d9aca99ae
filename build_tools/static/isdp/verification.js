/* The verification code of a certificate of completion, exactly as the training report
 * computes it (build_tools/reports/verification.py, where the choice is explained):
 * SHA-256 of "isdp-certificate-v1|learner|course|cycle|registration", RFC 4648 base32, the
 * first ten characters as XXXXX-XXXXX. Web Crypto only: nothing from another host. */
export const VERSION = "isdp-certificate-v1";
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32(bytes) {
  let out = "", buffer = 0, bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return bits ? out + ALPHABET[(buffer << (5 - bits)) & 31] : out;
}

/* Resolves to null where the browser has no Web Crypto (a page served over plain http from
   another host than localhost is not a secure context). */
export async function verificationCode(learner, course, cycle, registration) {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!subtle) { return null; }
  const text = [VERSION, learner, course, cycle, registration].join("|");
  const digest = new Uint8Array(await subtle.digest("SHA-256", new TextEncoder().encode(text)));
  const code = base32(digest).slice(0, 10);
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/* What every launch mode shares: the saved launch of this tab, and endpoint/actor checks. */
export const LAUNCH_KEY = "isdp.xapi.launch";

function withSlash(url) { return url.endsWith("/") ? url : `${url}/`; }

export function checkedEndpoint(value) {
  const url = new URL(value);
  if (url.protocol !== "https:" && url.protocol !== "http:") { throw new Error("endpoint"); }
  return withSlash(url.href);
}

export function actorKey(actor) {
  if (actor.account) { return `account:${actor.account.homePage}|${actor.account.name}`; }
  return `mbox:${actor.mbox || actor.mbox_sha1sum || actor.openid}`;
}

/* Only http(s) links: never a javascript: URL. */
export function safeUrl(value, base) {
  try {
    const url = new URL(value, base);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/* The xAPI profile the build writes into the page (meta isdp-xapi-profile, from
 * build_tools/xapi/profile.py): IRIs, verbs, cycle settings. None is hard-coded here. */
export const DEFAULTS = { cycle_start_month: 7, timeZone: "America/Chicago" };

export function readProfile(doc = document) {
  const meta = doc.querySelector('meta[name="isdp-xapi-profile"]');
  return meta ? JSON.parse(meta.getAttribute("content")) : null;
}

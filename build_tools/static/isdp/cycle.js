/* The one cycle function: the training cycle (school year) a moment falls in, in the
 * agency's time zone (site.yaml training.time_zone, written into the page's profile meta),
 * as profile.cycle_of() does in Python: 22:30 on 30 June in Mississippi is still the old year.
 */
const formats = new Map();

function wallClock(moment, timeZone) {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric",
      month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formats.set(timeZone, format);
  }
  const parts = {};
  for (const part of format.formatToParts(moment)) { parts[part.type] = Number(part.value); }
  return parts;
}

export function cycleOf(when, startMonth = 7, timeZone = "America/Chicago") {
  const { year, month } = wallClock(new Date(when), timeZone);
  const first = month >= startMonth ? year : year - 1;
  return `${first}-${first + 1}`;
}

/* The instant the cycle holding `when` began: local midnight on the 1st of startMonth. */
export function cycleStart(when, startMonth = 7, timeZone = "America/Chicago") {
  const first = Number(cycleOf(when, startMonth, timeZone).split("-")[0]);
  const target = Date.UTC(first, startMonth - 1, 1);
  let guess = target;
  for (let i = 0; i < 2; i++) {  // twice: the offset at the guess may differ (DST)
    const w = wallClock(new Date(guess), timeZone);
    guess += target - Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  }
  return new Date(guess).toISOString();
}

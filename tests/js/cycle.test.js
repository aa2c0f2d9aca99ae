import assert from "node:assert/strict";
import test from "node:test";

import { cycleOf, cycleStart } from "../../build_tools/static/isdp/cycle.js";

test("22:30 on 30 June in Mississippi is still the old school year", () => {
  // 22:30 CDT on 30 June 2027 is 03:30 UTC on 1 July: UTC would say 2027-2028.
  assert.equal(cycleOf("2027-07-01T03:30:00Z", 7, "America/Chicago"), "2026-2027");
  assert.equal(cycleOf("2027-07-01T03:30:00Z", 7, "UTC"), "2027-2028");
  assert.equal(cycleOf("2026-07-01T03:30:00Z", 7, "America/Chicago"), "2025-2026");
});

test("the new year starts at local midnight on the 1st of the start month", () => {
  assert.equal(cycleOf("2027-07-01T04:59:59Z", 7, "America/Chicago"), "2026-2027");
  assert.equal(cycleOf("2027-07-01T05:00:00Z", 7, "America/Chicago"), "2027-2028");  // 00:00 CDT
  assert.equal(cycleOf(new Date("2027-01-15T12:00:00Z"), 7, "America/Chicago"), "2026-2027");
  assert.equal(cycleOf("2027-08-15T12:00:00Z", 9, "America/Chicago"), "2026-2027");
});

test("cycleStart is the instant the cycle began, daylight saving time included", () => {
  assert.equal(cycleStart("2027-03-10T12:00:00Z", 7, "America/Chicago"), "2026-07-01T05:00:00.000Z");
  assert.equal(cycleStart("2027-03-10T12:00:00Z", 1, "America/Chicago"), "2027-01-01T06:00:00.000Z");
  assert.equal(cycleStart("2027-03-10T12:00:00Z", 7, "UTC"), "2026-07-01T00:00:00.000Z");
});

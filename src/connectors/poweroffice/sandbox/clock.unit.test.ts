import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MicrosecondClock, formatMicros, parseTimestampMicros } from "./clock.js";
import { parseNumberRanges } from "./list-query.js";
import { isValidEmail } from "./store.js";
import { seedPlan } from "./seed.js";

describe("sandbox clock and parsers", () => {
  test("the clock never repeats, even within one millisecond", () => {
    const clock = new MicrosecondClock();
    const values = Array.from({ length: 1000 }, () => clock.next());
    for (let i = 1; i < values.length; i += 1) assert.ok(values[i]! > values[i - 1]!);
    clock.advancePast(values.at(-1)! + 5_000_000);
    assert.ok(clock.next() > values.at(-1)! + 5_000_000);
  });

  test("timestamps print with 7 fractional digits and parse back to the microsecond", () => {
    const micros = Date.UTC(2025, 0, 6, 7, 0, 0) * 1000 + 123_456;
    assert.equal(formatMicros(micros), "2025-01-06T07:00:00.1234560Z");
    assert.equal(parseTimestampMicros("2025-01-06T07:00:00.1234560Z"), micros);
    assert.equal(parseTimestampMicros("2025-01-06 07:00:00.123456+00:00"), micros);
    assert.equal(parseTimestampMicros("2025-01-06 07:00:00.123456 00:00"), micros, "an unencoded + arrives as a space");
    assert.equal(parseTimestampMicros("2025-01-06T09:00:00.123456+02:00"), micros);
    assert.equal(parseTimestampMicros("2025-01-06T07:00:00.1234569Z"), micros, "the 7th digit is dropped");
    assert.equal(parseTimestampMicros("2025-01-06T07:00"), micros - 123_456);
    assert.equal(parseTimestampMicros("yesterday"), undefined);
  });

  test("number ranges like '10000-11000, 12000, 13000-'", () => {
    const inRange = parseNumberRanges("10000-11000, 12000, 13000-")!;
    assert.deepEqual([9999, 10000, 10500, 11001, 12000, 12001, 13000, 99999].map(inRange), [false, true, true, false, true, false, true, true]);
    assert.equal(parseNumberRanges("abc"), undefined);
  });

  test("e-mail typo check", () => {
    assert.ok(isValidEmail("kari.nordmann@fjordlys-demo.no"));
    assert.ok(isValidEmail("KARI.NORDMANN@fjordlys-demo.no"));
    for (const bad of ["ola.feilmann@@tromso-turbuss.no", "per.hansen(at)epost.no", "a@b", "a b@c.no", "a@b..no"])
      assert.equal(isValidEmail(bad), false, bad);
  });

  test("a numeric size gives that many records across the six resources", () => {
    for (const size of [1000, 100_000]) {
      const plan = seedPlan(size);
      const total =
        plan.departments + plan.products + plan.employees + plan.companyCustomers + plan.personCustomers + plan.contactPersons + plan.salesOrders;
      assert.equal(total, size);
    }
  });
});

// The readers of command-line values the NSM and KMS commands share: base64 (checked against Node's
// encoder, and strict where Node's decoder skips what it does not know), durations, PCR indexes.
import { randomBytes } from "node:crypto";
import { readBase64 } from "../src/base64";
import { readDuration } from "../src/duration";
import { UsageError } from "../src/errors";
import { readPcrIndex } from "../src/pcr";

test("base64: what Buffer encodes reads back, every length from 1 to 64 bytes", () => {
  for (let n = 1; n <= 64; n++) {
    const bytes = randomBytes(n);
    expect(readBase64("--x", bytes.toString("base64"), { max: 64 })).toEqual(bytes);
  }
});

test.each([
  ["AAA", "--x must be base64"], // unpadded
  ["AA=A", "--x must be base64"],
  ["AA AA", "--x must be base64"],
  ["AA-_", "--x must be base64"], // the URL alphabet
  ["QUJD\n", "--x must be base64"],
  ["", "--x must hold 1 to 4 bytes, got 0"],
  ["AAAAAAAA", "--x must hold 1 to 4 bytes, got 6"],
])("base64 %j: %s", (text, message) => {
  expect(() => readBase64("--x", text, { max: 4 })).toThrow(UsageError);
  expect(() => readBase64("--x", text, { max: 4 })).toThrow(message);
});

test.each([
  ["250ms", 250],
  ["90s", 90_000],
  ["5m", 300_000],
  ["3h", 10_800_000],
  ["2d", 172_800_000],
])("duration %s = %d ms", (text, ms) => {
  expect(readDuration("--max-age", text)).toBe(ms);
});

test.each(["5", "-5m", "1.5h", "5 m", "m", "5w", "9999999999999d"])("duration %j is a usage error", (text) => {
  expect(() => readDuration("--max-age", text)).toThrow(UsageError);
});

test("PCR indexes: 0 to 31 in canonical decimal", () => {
  expect(readPcrIndex("N", "0")).toBe(0);
  expect(readPcrIndex("N", "31")).toBe(31);
  for (const text of ["32", "03", "+3", "-1", "", " 3", "1e1", "x"]) expect(() => readPcrIndex("N", text)).toThrow(UsageError);
});

// The host side of the device test's result protocol: the verdict must be "fail" for every way a guest run
// can go wrong (a failed check, a crash before "done", a count that does not add up, node exiting non-zero,
// no boot at all), since `pnpm test:device` trusts it. The guest itself runs only under QEMU (pnpm test:device).
const { parseResults } = require("../../scripts/device-test/results.cjs") as {
  parseResults(text: string): { passed: number; failed: number; problems: string[]; ok: boolean; cases: { name: string; ok: boolean }[] };
};

const line = (event: object) => `NSMT ${JSON.stringify(event)}\r\n`;
const boot = line({ type: "boot", uptime: "2.50" });
const ok = (name: string) => line({ type: "case", name, ok: true });
const bad = (name: string) => line({ type: "case", name, ok: false, detail: "mismatch" });
const done = (passed: number, failed: number) => line({ type: "done", passed, failed });
const exit = (code: number) => line({ type: "exit", code, uptime: "9.00" });

describe("device test result protocol", () => {
  test("a complete run with every check passing passes, with \\r\\n line ends and noise between lines", () => {
    const r = parseResults(boot + "random kernel noise\n" + ok("a") + ok("b") + done(2, 0) + exit(0));
    expect(r).toMatchObject({ ok: true, passed: 2, failed: 0, problems: [] });
  });

  test("one failed check fails the run", () => {
    const r = parseResults(boot + ok("a") + bad("b") + done(1, 1) + exit(0));
    expect(r.ok).toBe(false);
    expect(r.failed).toBe(1);
    expect(r.cases.map((c) => c.ok)).toEqual([true, false]);
  });

  test("a guest that stops before 'done' fails, even if every reported check passed", () => {
    const r = parseResults(boot + ok("a"));
    expect(r.ok).toBe(false);
    expect(r.problems.join("\n")).toMatch(/did not finish/);
  });

  test("counts that do not match the reported checks fail", () => {
    expect(parseResults(boot + ok("a") + done(2, 0) + exit(0)).ok).toBe(false);
  });

  test("node exiting non-zero fails the run", () => {
    const r = parseResults(boot + ok("a") + done(1, 0) + exit(1));
    expect(r.ok).toBe(false);
    expect(r.problems.join("\n")).toMatch(/status 1/);
  });

  test("no boot line, no checks or an empty port fail", () => {
    expect(parseResults("").ok).toBe(false);
    expect(parseResults(boot + done(0, 0) + exit(0)).ok).toBe(false);
  });

  test("an error reported by init and a garbled result line fail", () => {
    expect(parseResults(boot + line({ type: "error", detail: "insmod nsm failed" }) + ok("a") + done(1, 0) + exit(0)).ok).toBe(false);
    expect(parseResults(boot + "NSMT {not json\n" + ok("a") + done(1, 0) + exit(0)).ok).toBe(false);
  });
});

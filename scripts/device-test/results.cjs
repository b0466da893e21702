"use strict";
// The result protocol between the guest and the host. The guest writes one line per event to its second
// serial port: `NSMT <json>`, where json is one of
//   {"type":"boot"}                                   init has started
//   {"type":"case","name":..,"ok":true|false,"detail":..}   one check
//   {"type":"done","passed":N,"failed":N}             the guest script finished all its checks
//   {"type":"exit","code":N}                          node exited with that status
//   {"type":"error","detail":..}                      init could not do something
// Anything else on that port (a crash's output, noise) is ignored here but kept for the log.
// CommonJS so that the jest suite (test/device/results.test.ts) can load it as it is.

/**
 * Parses the guest's result lines and decides the verdict. A run passes only if the guest reported every
 * check it ran, all of them passed, it said "done" with matching counts and node exited 0.
 */
function parseResults(text) {
  const cases = [];
  const problems = [];
  let booted = false;
  let done = null;
  let exit = null;
  const uptime = {}; // guest seconds since boot when init started and when node exited
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\r/g, "");
    const at = line.indexOf("NSMT {");
    if (at < 0) continue;
    let ev;
    try {
      ev = JSON.parse(line.slice(at + 5));
    } catch {
      problems.push(`unreadable result line: ${line.slice(at, at + 200)}`);
      continue;
    }
    if (ev.type === "boot") {
      booted = true;
      uptime.boot = Number(ev.uptime);
    }
    else if (ev.type === "case" && typeof ev.name === "string" && typeof ev.ok === "boolean") {
      cases.push({ name: ev.name, ok: ev.ok, detail: typeof ev.detail === "string" ? ev.detail : "" });
    } else if (ev.type === "done") done = ev;
    else if (ev.type === "exit") {
      exit = ev.code;
      uptime.exit = Number(ev.uptime);
    }
    else if (ev.type === "error") problems.push(`guest: ${ev.detail}`);
    else problems.push(`unexpected result event: ${line.slice(at, at + 200)}`);
  }
  const passed = cases.filter((c) => c.ok).length;
  const failed = cases.length - passed;
  if (!booted) problems.push("the guest never reported that it booted");
  else if (cases.length === 0) problems.push("the guest reported no checks");
  if (booted && !done) problems.push("the guest test did not finish (no 'done' line)");
  if (done && (done.passed !== passed || done.failed !== failed)) {
    problems.push(`the guest counted ${done.passed} passed/${done.failed} failed but reported ${passed}/${failed}`);
  }
  if (booted && exit === null) problems.push("node's exit status never arrived");
  else if (exit !== null && exit !== 0) problems.push(`node exited with status ${exit}`);
  return { cases, passed, failed, problems, uptime, ok: failed === 0 && problems.length === 0 };
}

module.exports = { parseResults };

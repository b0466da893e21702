// placeholder guest script while the device transport lands
"use strict";
const fs = require("node:fs");
let passed = 0, failed = 0;
function report(name, ok, detail) { ok ? passed++ : failed++; process.stdout.write("NSMT " + JSON.stringify({ type: "case", name, ok, detail }) + "\n"); }
report("node runs in the guest", true, process.version);
let st; try { st = fs.statSync("/dev/nsm"); } catch (e) { }
report("/dev/nsm is a character device", !!st && st.isCharacterDevice(), st ? "" : "missing");
process.stdout.write("NSMT " + JSON.stringify({ type: "done", passed, failed }) + "\n");

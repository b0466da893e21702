#!/usr/bin/env node
// Long fuzz run of the nsm package's parsers: the same seeded mutation suites as `pnpm test`
// (attestation documents, CMS blobs, BER against asn1js, certificates, simulated and QEMU-shaped
// documents), with many more cases.
//   node scripts/fuzz-nsm.mjs [cases per suite, default 50000] [first seed, default random] [rounds, default 1]
// Each round uses the next seed; a failure prints the seed and case number to replay it with
//   FUZZ_SEED=<seed> FUZZ_CASES=<cases> npx jest <file>
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cases = Number(process.argv[2] ?? 50000);
const firstSeed = Number(process.argv[3] ?? randomInt(1, 2 ** 31));
const rounds = Number(process.argv[4] ?? 1);
if (!(cases > 0) || !Number.isInteger(firstSeed) || !(rounds > 0)) {
  console.error("usage: node scripts/fuzz-nsm.mjs [cases] [seed] [rounds]");
  process.exit(2);
}
const suites = [
  "packages/nsm/test/attestation/fuzz.test.ts",
  "packages/nsm/test/attestation/simulated-documents.test.ts",
  "packages/nsm/test/cms/fuzz.test.ts",
  "packages/nsm/test/asn1/ber.test.ts",
  "packages/nsm/test/attestation/certificate-asn1.test.ts",
  "packages/nsm/test/attestation/qemu-documents.test.ts",
];
const jest = join(root, "node_modules/jest/bin/jest.js");
for (let r = 0; r < rounds; r++) {
  const seed = firstSeed + r;
  console.log(`fuzz round ${r + 1}/${rounds}: seed ${seed}, ${cases} cases per suite`);
  const run = spawnSync(process.execPath, [jest, "--runInBand", "--testTimeout=3600000", ...suites], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, FUZZ_SEED: String(seed), FUZZ_CASES: String(cases) },
  });
  if (run.status !== 0) {
    console.error(`fuzz round failed: seed ${seed}, ${cases} cases`);
    process.exit(1);
  }
}

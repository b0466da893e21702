// `pnpm bench nsm-failures`: what a failed decryptEnvelopedKey costs, by cause, on the real KMS sample
// (test/vectors/cms/kms-sample-1, RSA-2048). Three kinds of input, interleaved trial by trial:
//   - success: the sample as KMS sent it;
//   - OAEP failure: one bit of the RSA-wrapped content key flipped (the unwrap fails);
//   - padding failure: one bit of the last byte of the block before the last flipped (the unwrap
//     succeeds, the PKCS#7 padding of the last block is wrong).
// Every failure must throw the same error with the same message; their costs should not tell them
// apart. Prints the median and quartiles of each kind over BENCH_TRIALS trials (default 10,000) and
// the ratio of the OAEP-failure median to the padding-failure median. With BENCH_NSM_BASELINE (see
// nsm-common.mjs) the same for another build, in the same run.
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadBaseline, loadNsm } from "./nsm-common.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const TRIALS = Number(process.env.BENCH_TRIALS ?? 10_000);

const sample = join(root, "test/vectors/cms/kms-sample-1");
const blob = readFileSync(join(sample, "ciphertext_for_recipient.der"));
const privateKey = createPrivateKey(readFileSync(join(sample, "private_key_pkcs8.pem"), "utf8"));

const builds = [{ label: "ours", nsm: loadNsm() }];
const baseline = loadBaseline();
if (baseline) builds.push({ label: `baseline (${baseline.dir})`, nsm: baseline.nsm });

const fields = builds[0].nsm.parseEnvelopedData(blob);
const badOaep = Buffer.from(blob);
badOaep[blob.indexOf(Buffer.from(fields.encryptedKey)) + 100] ^= 0x01;
const badPadding = Buffer.from(blob);
badPadding[blob.indexOf(Buffer.from(fields.encryptedContent)) + fields.encryptedContent.length - 17] ^= 0x01;

const kinds = [
  { label: "success", input: blob, fails: false },
  { label: "OAEP failure", input: badOaep, fails: true },
  { label: "padding failure", input: badPadding, fails: true },
];

const quantile = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];

for (const build of builds) {
  const decrypt = build.nsm.decryptEnvelopedKey;
  const messages = new Set();
  const once = (kind) => {
    try {
      decrypt(kind.input, privateKey);
      if (kind.fails) throw new Error(`${kind.label} decrypted`);
    } catch (e) {
      if (!kind.fails || e?.code !== "ENVELOPE_DECRYPTION_FAILED") throw e;
      messages.add(e.message);
    }
  };
  for (let i = 0; i < 500; i++) for (const kind of kinds) once(kind); // warm-up
  const times = kinds.map(() => new Float64Array(TRIALS));
  for (let t = 0; t < TRIALS; t++) {
    // a different order each trial, so no kind always runs right after another
    const order = t % 3 === 0 ? [0, 1, 2] : t % 3 === 1 ? [1, 2, 0] : [2, 0, 1];
    for (const k of order) {
      const t0 = process.hrtime.bigint();
      once(kinds[k]);
      times[k][t] = Number(process.hrtime.bigint() - t0) / 1000;
    }
  }
  if (messages.size !== 1) throw new Error(`failures carry ${messages.size} different messages`);
  console.log(`\n${build.label}: decryptEnvelopedKey, ${TRIALS} trials of each kind, interleaved (us)`);
  console.log("| input | median | p25 | p75 |");
  console.log("|---|---:|---:|---:|");
  const medians = kinds.map((kind, k) => {
    const sorted = Array.from(times[k]).sort((a, b) => a - b);
    console.log(`| ${kind.label} | ${quantile(sorted, 0.5).toFixed(1)} | ${quantile(sorted, 0.25).toFixed(1)} | ${quantile(sorted, 0.75).toFixed(1)} |`);
    return quantile(sorted, 0.5);
  });
  console.log(`OAEP-failure median / padding-failure median: ${(medians[1] / medians[2]).toFixed(3)}`);
}

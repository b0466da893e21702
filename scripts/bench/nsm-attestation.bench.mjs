// `pnpm bench nsm-attestation`: verifyAttestation against the npm verifiers that install here, side by
// side in one run, on real NSM documents verified at their own timestamps. Candidates:
//   - ours, warm:  verifyAttestation with its cache of parsed certificates and verified signature links
//                  (repeated documents from one enclave: only the document's own signature is checked);
//   - ours, cold:  the cache is cleared before every document (every certificate parsed and checked);
//   - @0xsequence/tee-verifier: parse, pkijs chain validation at the timestamp, root fingerprint, signature;
//   - baseline, warm and cold: the same with another build of the package, when BENCH_NSM_BASELINE
//                  names one (to compare two versions in one run);
//   - @evervault/wasm-attestation-bindings: validateAttestationDocPcrs (Rust/wasm), with Date.now pinned
//     to the document's timestamp while it runs (it reads the time through Date.now).
// Timed batches interleaved between candidates, median docs/s per candidate; ratios against the
// fastest other verifier, as the median of per-round ratios (goal: ours >= 5x).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadBaseline, loadNsm, median, pairedRatio, sideBySide } from "./nsm-common.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(join(root, "package.json"));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const BATCH_MS = Number(process.env.BENCH_BATCH_MS ?? 150);

const nsm = loadNsm();
const baseline = loadBaseline();
const DOCUMENTS = [
  ["evervault_beta_valid-attestation-doc_2022-10-13.cose", "2022-10-13T08:58:02.136Z"],
  ["real-nsm-attestation-2026-01-03-indefinite-map.cose", "2026-01-03T20:41:07.402Z"],
].map(([file, iso]) => ({ file, bytes: readFileSync(join(root, "test/vectors/attestation", file)), at: new Date(iso) }));

const evervault = await import("@evervault/wasm-attestation-bindings");
evervault.initSync({ module: readFileSync(require.resolve("@evervault/wasm-attestation-bindings/index_bg.wasm")) });
globalThis.window ??= globalThis; // tee-verifier reaches for window.crypto
const sequence = await import("@0xsequence/tee-verifier");
// pkijs keeps its crypto engine in one process-wide slot, and its ES build, loaded after the CJS build
// that our package uses, leaves it empty: give tee-verifier's pkijs node's WebCrypto again.
const pkijs = createRequire(require.resolve("@0xsequence/tee-verifier"))("pkijs");
pkijs.setEngine("webcrypto", new pkijs.CryptoEngine({ name: "webcrypto", crypto: globalThis.crypto }));
const AWS_ROOT_SHA256 = "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";

function candidates(doc) {
  const b64 = doc.bytes.toString("base64");
  const ms = doc.at.getTime();
  return [
    { label: "ours (warm cache)", run: () => nsm.verifyAttestation(doc.bytes, { at: doc.at }) },
    {
      label: "ours (cold cache)",
      run: () => {
        nsm.clearAttestationCache();
        nsm.verifyAttestation(doc.bytes, { at: doc.at });
      },
    },
    {
      label: "@0xsequence/tee-verifier",
      run: async () => {
        const att = sequence.SignedAttestation.fromDocument(b64);
        if (!(await att.verifyRootOfTrust(doc.at))) throw new Error("tee-verifier: chain refused");
        if ((await att.rootCertFingerprint()) !== AWS_ROOT_SHA256) throw new Error("tee-verifier: wrong root");
        if (!(await att.verifySignature())) throw new Error("tee-verifier: signature refused");
      },
      async: true,
    },
    {
      label: "@evervault/wasm-attestation-bindings",
      run: () => {
        const now = Date.now;
        Date.now = () => ms;
        try {
          if (!evervault.validateAttestationDocPcrs(b64, [evervault.PCRs.empty()])) throw new Error("evervault: refused");
        } finally {
          Date.now = now;
        }
      },
    },
    ...(baseline
      ? [
          { label: "baseline (warm cache)", run: () => baseline.nsm.verifyAttestation(doc.bytes, { at: doc.at }) },
          {
            label: "baseline (cold cache)",
            run: () => {
              baseline.nsm.clearAttestationCache();
              baseline.nsm.verifyAttestation(doc.bytes, { at: doc.at });
            },
          },
        ]
      : []),
  ];
}

for (const doc of DOCUMENTS) {
  const list = candidates(doc);
  for (const c of list) await c.run(); // each must accept the document, or the comparison means nothing
  const rates = await sideBySide(list, ROUNDS, BATCH_MS);
  const fastest = median(rates[2]) >= median(rates[3]) ? 2 : 3; // the fastest other verifier

  console.log(`\n${doc.file} at ${doc.at.toISOString()}  (${ROUNDS} rounds x ${BATCH_MS} ms, median)`);
  console.log(`| verifier | docs/s | ms/doc | vs ${list[fastest].label} (median of per-round ratios) |`);
  console.log("|---|---:|---:|---:|");
  list.forEach((c, i) => console.log(`| ${c.label} | ${median(rates[i]).toFixed(0)} | ${(1000 / median(rates[i])).toFixed(3)} | ${pairedRatio(rates, i, fastest).toFixed(2)}x |`));
}

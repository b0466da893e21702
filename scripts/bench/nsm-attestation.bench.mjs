// `pnpm bench nsm-attestation`: verifyAttestation against the npm verifiers that install here, on real
// NSM documents verified at their own timestamps. Candidates:
//   - warm cache: verifyAttestation with its cache of parsed certificates and verified signature links
//     (repeated documents from one enclave: only the document's own signature is checked);
//   - cold cache: the cache cleared before every document (every certificate parsed and checked);
//   - @0xsequence/tee-verifier: parse, pkijs chain validation at the timestamp, root fingerprint, signature;
//   - @evervault/wasm-attestation-bindings: validateAttestationDocPcrs (Rust/wasm), with Date.now pinned
//     to the document's timestamp while it runs (it reads the time through Date.now);
//   - with BENCH_BEFORE, warm and cold for that checkout.
// Goal: warm cache >= 5x the fastest npm verifier (so >= 5x each of them).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, compare, entryPath, load, root } from "./harness.mjs";

const nsm = load("@nitro-enclaves-sdk/nsm");
const evervault = load("@evervault/wasm-attestation-bindings");
evervault.initSync({ module: readFileSync(entryPath("@evervault/wasm-attestation-bindings/index_bg.wasm")) });
globalThis.window ??= globalThis; // tee-verifier reaches for window.crypto
const sequence = load("@0xsequence/tee-verifier");
// pkijs keeps its crypto engine in one process-wide slot: give tee-verifier's pkijs node's WebCrypto.
const pkijs = load("pkijs", { from: "@0xsequence/tee-verifier" });
pkijs.setEngine("webcrypto", new pkijs.CryptoEngine({ name: "webcrypto", crypto: globalThis.crypto }));
const AWS_ROOT_SHA256 = "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";
const old = before?.load("@nitro-enclaves-sdk/nsm");

const DOCUMENTS = [
  ["evervault_beta_valid-attestation-doc_2022-10-13.cose", "2022-10-13T08:58:02.136Z"],
  ["real-nsm-attestation-2026-01-03-indefinite-map.cose", "2026-01-03T20:41:07.402Z"],
].map(([file, iso]) => ({ file, bytes: readFileSync(join(root, "test/vectors/attestation", file)), at: new Date(iso) }));

/** Warm and cold candidates for one build of the nsm package. */
const ourCandidates = (prefix, build, doc) => [
  // `prepare` fills the cache untimed, so a cold batch before this one does not cost it a cold document.
  { label: `${prefix}warm cache`, run: () => build.verifyAttestation(doc.bytes, { at: doc.at }), prepare: () => build.verifyAttestation(doc.bytes, { at: doc.at }) },
  {
    label: `${prefix}cold cache`,
    run: () => {
      build.clearAttestationCache();
      build.verifyAttestation(doc.bytes, { at: doc.at });
    },
  },
];

for (const doc of DOCUMENTS) {
  const b64 = doc.bytes.toString("base64");
  const candidates = [
    ...ourCandidates("", nsm, doc),
    {
      label: "@0xsequence/tee-verifier",
      run: async () => {
        const att = sequence.SignedAttestation.fromDocument(b64);
        if (!(await att.verifyRootOfTrust(doc.at))) throw new Error("tee-verifier: chain refused");
        if ((await att.rootCertFingerprint()) !== AWS_ROOT_SHA256) throw new Error("tee-verifier: wrong root");
        if (!(await att.verifySignature())) throw new Error("tee-verifier: signature refused");
      },
    },
    {
      label: "@evervault/wasm-attestation-bindings",
      run: () => {
        const now = Date.now;
        Date.now = () => doc.at.getTime();
        try {
          if (!evervault.validateAttestationDocPcrs(b64, [evervault.PCRs.empty()])) throw new Error("evervault: refused");
        } finally {
          Date.now = now;
        }
      },
    },
    ...(old ? ourCandidates("before: ", old, doc) : []),
  ];
  await compare(`verifyAttestation, ${doc.file} at ${doc.at.toISOString()}`, candidates, {
    baseline: "@0xsequence/tee-verifier",
    rounds: 21,
    batchMs: 150,
    goals: [
      { candidate: "warm cache", atLeast: 5 },
      { candidate: "warm cache", atLeast: 5, vs: "@evervault/wasm-attestation-bindings" },
    ],
  });
}

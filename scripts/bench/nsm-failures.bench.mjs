// `pnpm bench nsm-failures`: what a failed decryptEnvelopedKey costs, by cause, on the real KMS sample
// (test/vectors/cms/kms-sample-1, RSA-2048). Three inputs, one decryption each per round, the order
// rotated every round, BENCH_TRIALS rounds (default 10,000):
//   - success: the sample as KMS sent it;
//   - OAEP failure: one bit of the RSA-wrapped content key flipped (the unwrap fails);
//   - padding failure: one bit of the last byte of the block before the last flipped (the unwrap
//     succeeds, the PKCS#7 padding of the last block is wrong).
// Every failure must throw the same error with the same message, and their costs should not tell them
// apart: the OAEP failure's ratio to the padding failure should be 1. With BENCH_BEFORE, the same for
// that checkout, in a second table.
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, compare, load, root } from "./harness.mjs";

const TRIALS = Number(process.env.BENCH_TRIALS ?? 10_000);
const sample = join(root, "test/vectors/cms/kms-sample-1");
const blob = readFileSync(join(sample, "ciphertext_for_recipient.der"));
const privateKey = createPrivateKey(readFileSync(join(sample, "private_key_pkcs8.pem"), "utf8"));

const nsm = load("@nitro-enclaves-sdk/nsm");
const fields = nsm.parseEnvelopedData(blob);
const badOaep = Buffer.from(blob);
badOaep[blob.indexOf(Buffer.from(fields.encryptedKey)) + 100] ^= 0x01;
const badPadding = Buffer.from(blob);
badPadding[blob.indexOf(Buffer.from(fields.encryptedContent)) + fields.encryptedContent.length - 17] ^= 0x01;

async function byCause(title, decrypt) {
  const messages = new Set();
  const fails = (input) => () => {
    try {
      decrypt(input, privateKey);
    } catch (e) {
      if (e?.code !== "ENVELOPE_DECRYPTION_FAILED") throw e;
      messages.add(e.message);
      return;
    }
    throw new Error("a damaged input decrypted");
  };
  await compare(title, [
    { label: "success", run: () => decrypt(blob, privateKey) },
    { label: "OAEP failure", run: fails(badOaep) },
    { label: "padding failure", run: fails(badPadding) },
  ], { baseline: "padding failure", rounds: TRIALS, batchMs: 0, warmupMs: 300 });
  if (messages.size !== 1) throw new Error(`failures carry ${messages.size} different messages`);
  console.log(`every failure: ENVELOPE_DECRYPTION_FAILED, one message`);
}

await byCause(`decryptEnvelopedKey by outcome, ${TRIALS} trials each`, nsm.decryptEnvelopedKey);
if (before) await byCause(`before: decryptEnvelopedKey by outcome, ${TRIALS} trials each`, before.load("@nitro-enclaves-sdk/nsm").decryptEnvelopedKey);

// Reliability under concurrency: 8 clients, each sending a mix of requests at once (with and without
// Recipient), all on loopback, to a kms-local that persists to a data directory; zero errors, every answer
// checked, and after a restart on the same directory every key created is there. CI runs 100 requests per client;
// the full 8 x 2,000 runs with
//   KMS_LOCAL_RELIABILITY_REQUESTS=2000 npx jest test/kms-local/reliability.test.ts
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand, GenerateRandomCommand,
  ListKeysCommand, ReEncryptCommand, SignCommand, VerifyCommand,
} from "official-client-kms";
import { NsmClient, decryptEnvelopedKey } from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, createSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { officialClient, startKmsLocal } from "./helpers";

const CLIENTS = 8;
const REQUESTS = Number(process.env.KMS_LOCAL_RELIABILITY_REQUESTS ?? 100);

test(`${CLIENTS} concurrent clients x ${REQUESTS} mixed requests to a persisting kms-local: zero errors, every answer right, every key kept`, async () => {
  const ca = createSimulatorCa();
  const dataDir = mkdtempSync(join(tmpdir(), "kms-local-reliability-"));
  const kms = await startKmsLocal({ trustedRoots: [ca.certificate], dataDir });
  const created: string[] = [];
  try {
    const symmetric = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const other = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const signing = (await kms.client.send(new CreateKeyCommand({ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" }))).KeyMetadata!.KeyId!;
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const nsm = new NsmClient(new SimulatedNsm({ ca }));
    const recipient = { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" as const, AttestationDocument: await nsm.attestation({ publicKey: publicKey.export({ type: "spki", format: "der" }) }) };

    const counts: Record<string, number> = {};
    const errors: string[] = [];
    const one = async (client: ReturnType<typeof officialClient>, c: number, i: number) => {
      const kind = i % 10;
      const plaintext = Buffer.from(`client ${c} request ${i}`);
      const context = { c: String(c), i: String(i) };
      const name = ["Encrypt+Decrypt", "GenerateDataKey", "GenerateDataKey+Recipient", "Decrypt+Recipient", "DescribeKey", "ListKeys", "GenerateRandom", "ReEncrypt", "Sign+Verify", "CreateKey"][kind];
      counts[name] = (counts[name] ?? 0) + 1;
      switch (kind) {
        case 0: {
          const e = await client.send(new EncryptCommand({ KeyId: symmetric, Plaintext: plaintext, EncryptionContext: context }));
          const d = await client.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob, EncryptionContext: context }));
          if (!Buffer.from(d.Plaintext!).equals(plaintext)) throw new Error("round trip mismatch");
          break;
        }
        case 1: {
          const g = await client.send(new GenerateDataKeyCommand({ KeyId: symmetric, NumberOfBytes: 32 }));
          if (g.Plaintext!.length !== 32) throw new Error("data key length");
          break;
        }
        case 2: {
          const g = await client.send(new GenerateDataKeyCommand({ KeyId: symmetric, KeySpec: "AES_256", Recipient: recipient }));
          if (g.Plaintext || decryptEnvelopedKey(g.CiphertextForRecipient!, privateKey).length !== 32) throw new Error("recipient data key");
          break;
        }
        case 3: {
          const e = await client.send(new EncryptCommand({ KeyId: symmetric, Plaintext: plaintext }));
          const d = await client.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob, Recipient: recipient }));
          if (!decryptEnvelopedKey(d.CiphertextForRecipient!, privateKey).equals(plaintext)) throw new Error("recipient decrypt");
          break;
        }
        case 4:
          if ((await client.send(new DescribeKeyCommand({ KeyId: symmetric }))).KeyMetadata!.KeyId !== symmetric) throw new Error("describe");
          break;
        case 5:
          await client.send(new ListKeysCommand({ Limit: 10 }));
          break;
        case 6:
          if ((await client.send(new GenerateRandomCommand({ NumberOfBytes: 64 }))).Plaintext!.length !== 64) throw new Error("random");
          break;
        case 7: {
          const e = await client.send(new EncryptCommand({ KeyId: symmetric, Plaintext: plaintext }));
          const r = await client.send(new ReEncryptCommand({ CiphertextBlob: e.CiphertextBlob, DestinationKeyId: other }));
          const d = await client.send(new DecryptCommand({ CiphertextBlob: r.CiphertextBlob }));
          if (!Buffer.from(d.Plaintext!).equals(plaintext)) throw new Error("reencrypt");
          break;
        }
        case 8: {
          const s = await client.send(new SignCommand({ KeyId: signing, Message: plaintext, SigningAlgorithm: "ECDSA_SHA_256" }));
          await client.send(new VerifyCommand({ KeyId: signing, Message: plaintext, Signature: s.Signature, SigningAlgorithm: "ECDSA_SHA_256" }));
          break;
        }
        case 9:
          created.push((await client.send(new CreateKeyCommand({ Description: `c${c}-${i}` }))).KeyMetadata!.KeyId!);
          break;
      }
    };

    const started = Date.now();
    await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
      const client = officialClient(kms.local.endpoint);
      for (let i = 0; i < REQUESTS; i++) {
        try {
          await one(client, c, i);
        } catch (e) {
          errors.push(`client ${c} request ${i}: ${(e as Error).name}: ${(e as Error).message}`);
        }
      }
      client.destroy();
    }));
    const seconds = (Date.now() - started) / 1000;
    if (REQUESTS > 100) console.log(`${CLIENTS} x ${REQUESTS} requests in ${seconds.toFixed(1)} s; ${JSON.stringify(counts)}`);
    expect(errors).toEqual([]);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(CLIENTS * REQUESTS);
  } finally {
    await kms.close();
  }
  try {
    const again = await startKmsLocal({ trustedRoots: [ca.certificate], dataDir });
    try {
      const ids = new Set<string>();
      let marker: string | undefined;
      do {
        const page = await again.client.send(new ListKeysCommand({ Limit: 1000, Marker: marker }));
        for (const k of page.Keys!) ids.add(k.KeyId!);
        marker = page.Truncated ? page.NextMarker : undefined;
      } while (marker);
      expect(created.filter((id) => !ids.has(id))).toEqual([]);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

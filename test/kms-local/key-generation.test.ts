// Key pair generation runs on Node's thread pool, which file system calls share. Many GenerateDataKeyPair
// calls at once must not hold up a CreateKey (whose key file is written through that pool) until they
// are all done: CreateKey, sent while they queue, is answered before most of them. Ordering, not time.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateKeyCommand, GenerateDataKeyPairCommand } from "official-client-kms";
import { officialClient, startKmsLocal } from "./helpers";

const PAIRS = 8;

test(`a CreateKey sent while ${PAIRS} RSA GenerateDataKeyPair calls queue is answered before most of them`, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "kms-local-keygen-"));
  const kms = await startKmsLocal({ dataDir });
  try {
    const keyId = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const client = officialClient(kms.local.endpoint);
    const order: string[] = [];
    const pairs = Array.from({ length: PAIRS }, (_, i) =>
      client.send(new GenerateDataKeyPairCommand({ KeyId: keyId, KeyPairSpec: "RSA_2048" })).then(() => order.push(`pair ${i}`)));
    await Promise.race(pairs); // generation is under way, the rest are queued
    await client.send(new CreateKeyCommand({ Description: "control plane" })).then(() => order.push("CreateKey"));
    await Promise.all(pairs);
    client.destroy();
    // Were the pool full of key generations, CreateKey's file writes would wait behind most of them
    // (5 or 6 of 8 here); with generation bounded to part of the pool, one or two.
    expect(order.indexOf("CreateKey")).toBeLessThanOrEqual(3);
  } finally {
    await kms.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

#!/usr/bin/env node
// Development only: the key administrator's step against kms-local. Creates a KMS key with the key policy in
// POLICY_FILE and prints its ARN, as `aws kms create-key --policy file://POLICY_FILE --query KeyMetadata.Arn`
// does against AWS. Credentials and region come from the environment (AWS_ACCESS_KEY_ID, ..., AWS_REGION);
// trust kms-local's certificate with NODE_EXTRA_CA_CERTS.
//   node scripts/create-local-key.mjs https://localhost:4600 policy.json
import { readFileSync } from "node:fs";
import { CreateKeyCommand, KMSClient } from "@nitro-enclaves-sdk/client-kms";

const [endpoint, policyFile, ...rest] = process.argv.slice(2);
if (!endpoint || !policyFile || rest.length > 0) {
  process.stderr.write("usage: node scripts/create-local-key.mjs KMS_ENDPOINT POLICY_FILE\n");
  process.exit(1);
}
const kms = new KMSClient({ endpoint, maxAttempts: 1 });
try {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Policy: readFileSync(policyFile, "utf8"), Description: "enclave-app data keys" }));
  process.stdout.write(`${KeyMetadata.Arn}\n`);
} catch (error) {
  process.stderr.write(`create-local-key: ${error.name}: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  kms.destroy();
}

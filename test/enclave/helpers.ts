// What the enclave plugin's cross-package tests share: kms-local on loopback trusting a simulated NSM's
// CA, an enclave (SimulatedNsm + EnclaveHandle) and an impostor with another PCR0, key policies that
// release key material only to the enclave's PCR0, and the two KMS clients the plugin must serve alike.
import { createHash } from "node:crypto";
import * as generated from "@nitro-enclaves-sdk/client-kms";
import { EnclaveHandle, parseAttestation } from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, createSimulatorCa, type SimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { KmsLocal, type KmsLocalOptions } from "@nitro-enclaves-sdk/kms-local";
import * as official from "official-client-kms";

/** The enclave app's role, which key policies name; the app calls KMS as a session of it (its instance role). */
export const PRINCIPAL = "arn:aws:iam::111122223333:role/enclave-app";
export const CREDENTIALS = { accessKeyId: "ASIAENCLAVEAPP", secretAccessKey: "enclave-test-secret", sessionToken: "enclave-test-session-token" };
/** What kms-local knows of those keys: the session of PRINCIPAL they stand for. */
export const KMS_LOCAL_CREDENTIAL = { ...CREDENTIALS, arn: "arn:aws:sts::111122223333:assumed-role/enclave-app/i-0123456789abcdef0" };
export const REGION = "us-east-1";

/** Both packages export the same client API; the official one's types stand for both. */
export type Sdk = typeof official;
export const SDKS: [string, Sdk][] = [
  ["our generated @nitro-enclaves-sdk/client-kms", generated as unknown as Sdk],
  ["the official @aws-sdk/client-kms", official],
];

export type KmsClient = InstanceType<Sdk["KMSClient"]>;

export function kmsClient(sdk: Sdk, endpoint: string, extra: Partial<ConstructorParameters<Sdk["KMSClient"]>[0]> = {}): KmsClient {
  return new sdk.KMSClient({ endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1, ...extra });
}

/** The attested actions (and the rest of what the tests do with a key) allowed only with the enclave's PCR0. */
export function releaseOnlyTo(pcr0Hex: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: PRINCIPAL }, Action: ["kms:Describe*", "kms:Get*", "kms:Put*", "kms:Encrypt"], Resource: "*" },
      {
        Effect: "Allow",
        Principal: { AWS: PRINCIPAL },
        Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:DeriveSharedSecret"],
        Resource: "*",
        Condition: { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": pcr0Hex } },
      },
    ],
  });
}

export interface AttestedKms {
  ca: SimulatorCa;
  local: KmsLocal;
  enclave: EnclaveHandle;
  impostor: EnclaveHandle;
  pcr0: string;
  /** A handle of its own, with the enclave's PCR0 (for tests that close it or count its calls). */
  newEnclave(): Promise<EnclaveHandle>;
  close(): Promise<void>;
}

/** `tls`: serve HTTPS with this certificate; `credentials`: more access keys, each a session of PRINCIPAL as KMS_LOCAL_CREDENTIAL is. */
export async function startAttestedKms(options: { tls?: KmsLocalOptions["tls"]; credentials?: (typeof CREDENTIALS)[] } = {}): Promise<AttestedKms> {
  const ca = createSimulatorCa();
  const credentials = [KMS_LOCAL_CREDENTIAL, ...(options.credentials ?? []).map((c) => ({ ...c, arn: KMS_LOCAL_CREDENTIAL.arn }))];
  const local = await KmsLocal.start({ trustedRoots: [ca.certificatePem], credentials, tls: options.tls });
  const newEnclave = () => EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
  const enclave = await newEnclave();
  const impostor = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca, pcrs: { 0: createHash("sha384").update("a modified enclave image").digest() } }) });
  const pcr0 = Buffer.from(parseAttestation(await enclave.attest()).pcrs.get(0)!).toString("hex");
  return {
    ca,
    local,
    enclave,
    impostor,
    pcr0,
    newEnclave,
    close: async () => {
      enclave.close();
      impostor.close();
      await local.close();
    },
  };
}

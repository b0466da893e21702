// What the enclave plugin's cross-package tests share: kms-local on loopback trusting a simulated NSM's
// CA, an enclave (SimulatedNsm + EnclaveHandle) and an impostor with another PCR0, key policies that
// release key material only to the enclave's PCR0, and the two KMS clients the plugin must serve alike.
import { createHash } from "node:crypto";
import * as generated from "@nitro-enclaves-sdk/client-kms";
import { EnclaveHandle, SimulatedNsm, createSimulatorCa, parseAttestation, type SimulatorCa } from "@nitro-enclaves-sdk/nsm";
import { KmsLocal, type KmsLocalOptions } from "@nitro-enclaves-sdk/kms-local";
import * as official from "official-client-kms";

export const PRINCIPAL = "arn:aws:iam::111122223333:role/enclave-app";
export const CREDENTIALS = { accessKeyId: "enclave-app", secretAccessKey: "enclave-test-secret" };
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

/** `tls`: serve HTTPS with this certificate; `credentials`: more access keys acting as PRINCIPAL. */
export async function startAttestedKms(options: { tls?: KmsLocalOptions["tls"]; credentials?: (typeof CREDENTIALS & { sessionToken?: string })[] } = {}): Promise<AttestedKms> {
  const ca = createSimulatorCa();
  const credentials = [CREDENTIALS, ...(options.credentials ?? [])].map((c) => ({ ...c, principalArn: PRINCIPAL }));
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

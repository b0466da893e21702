// createEnclaveKmsClient's options and the egress option: read from own properties, checked, refused with
// EnclaveOptionsError; and what it returns is an ordinary KMS client of ours with the plugin on it.
import { KMSClient } from "@nitro-enclaves-sdk/client-kms";
import { ENCLAVE_RECIPIENT_MIDDLEWARE, EnclaveOptionsError, TlsOutsideEnclaveError, createEnclaveKmsClient } from "@nitro-enclaves-sdk/enclave";

const base = { region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } };

test("an ordinary KMSClient of ours, with enclaveRecipient on its stack", () => {
  const client = createEnclaveKmsClient(base);
  expect(client).toBeInstanceOf(KMSClient);
  expect(client.middlewareStack.identify().some((m) => m.startsWith(ENCLAVE_RECIPIENT_MIDDLEWARE))).toBe(true);
  client.destroy();
});

test.each([
  [{ egress: "proxy" }],
  [{ egress: { proxy: "not a url" } }],
  [{ egress: { proxy: "socks5://127.0.0.1:1080" } }],
  [{ egress: { vsock: { cid: 3 } } }],
  [{ egress: { vsock: { cid: 3, port: 8000 }, proxy: "http://127.0.0.1:3128" } }],
  [{ connectTimeoutMs: 0 }],
  [{ ioTimeoutMs: -1 }],
  [{ maxAttempts: 0 }],
  [{ region: "US East" }],
  [{ endpoint: "not a url" }],
  [{ ca: "-----BEGIN CERTIFICATE-----" }],
  [{ allowTlsOutsideEnclave: "yes" }],
  [{ attestationReuseMs: -1 }],
  [{ egrees: "direct" }],
])("%j is an EnclaveOptionsError", (options) => {
  expect(() => createEnclaveKmsClient({ ...base, ...(options as object) })).toThrow(EnclaveOptionsError);
});

test("options on the prototype are not options (a polluted Object.prototype changes nothing)", () => {
  const proto = Object.prototype as Record<string, unknown>;
  proto.endpoint = "http://attacker.example";
  proto.allowTlsOutsideEnclave = true;
  try {
    const client = createEnclaveKmsClient(base); // the inherited http endpoint is neither used nor refused
    client.destroy();
    expect(() => createEnclaveKmsClient({ ...base, endpoint: "http://127.0.0.1:1" })).toThrow(TlsOutsideEnclaveError);
  } finally {
    delete proto.endpoint;
    delete proto.allowTlsOutsideEnclave;
  }
});

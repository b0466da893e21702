// Measurements as nitro-cli and enclaver print them (formats from their documentation and sources:
// nitro-cli's EnclaveBuildInfo / EifDescribeInfo, enclaver's "EIF Info:" followed by pretty JSON).
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputFileError } from "../src/errors";
import { readMeasurements, readMeasurementsFile } from "../src/policy/measurements";

const hex = (what: string) => createHash("sha384").update(what).digest("hex");
const [P0, P1, P2, P8] = [hex("0"), hex("1"), hex("2"), hex("8")];

const buildEnclave = `Start building the Enclave Image...
Using the locally available Docker image...
Enclave Image successfully created.
{
  "Measurements": {
    "HashAlgorithm": "Sha384 { ... }",
    "PCR0": "${P0}",
    "PCR1": "${P1}",
    "PCR2": "${P2}"
  }
}
`;

const describeEif = JSON.stringify({
  EifVersion: 4,
  Measurements: { HashAlgorithm: "Sha384 { ... }", PCR0: P0.toUpperCase(), PCR1: P1, PCR2: P2, PCR8: P8 },
  IsSigned: true,
  SigningCertificate: { IssuerName: { commonName: "signer" }, Algorithm: "ecdsa-with-SHA384", NotBefore: "x", NotAfter: "y", Signature: "ab:cd" },
  CheckCRC: true,
  SignatureCheck: true,
  ImageName: "app",
  ImageVersion: "1.0",
  Metadata: { BuildTime: "2026-01-01T00:00:00Z", BuildTool: "nitro-cli", BuildToolVersion: "1.4.2", OperatingSystem: "Linux", KernelVersion: "6.1", DockerInfo: { Id: "sha256:00" } },
}, null, 2);

const enclaverBuild = `Built Release Image: registry.example/app:enclave (sha256:0123)
EIF Info:
{
  "Measurements": {
    "PCR0": "${P0}",
    "PCR1": "${P1}",
    "PCR2": "${P2}"
  }
}
 INFO enclaver::build: done
`;

test.each([
  ["nitro-cli build-enclave (with its progress lines)", buildEnclave, [[0, P0], [1, P1], [2, P2]]],
  ["nitro-cli describe-eif of a signed image (PCR8, upper-case hex)", describeEif, [[0, P0], [1, P1], [2, P2], [8, P8]]],
  ["enclaver build (text before and after, no HashAlgorithm)", enclaverBuild, [[0, P0], [1, P1], [2, P2]]],
])("reads %s", (_what, text, pcrs) => {
  expect(readMeasurements("dir/x86_64.json", text)).toEqual({ label: "x86_64", pcrs: new Map(pcrs as [number, string][]) });
});

test.each([
  ["not JSON", "Enclave Image successfully created.\n", /no JSON object/],
  ["JSON without Measurements", '{"EnclaveID": "i-0"}', /no "Measurements" object/],
  ["another hash algorithm", JSON.stringify({ Measurements: { HashAlgorithm: "Sha256 { ... }", PCR0: P0 } }), /not Sha384/],
  ["no PCR0", JSON.stringify({ Measurements: { PCR1: P1 } }), /no PCR0/],
  ["a short PCR", JSON.stringify({ Measurements: { PCR0: P0.slice(1) } }), /PCR0 must be 96 hex digits/],
  ["a PCR that is not a string", JSON.stringify({ Measurements: { PCR0: 7 } }), /PCR0 must be 96 hex digits/],
  ["a PCR nothing sets", JSON.stringify({ Measurements: { PCR0: P0, PCR6: P1 } }), /PCR6 is not a PCR/],
  ["Measurements inherited, not own", '{"__proto__": {"Measurements": {}}}', /no "Measurements" object/],
])("refuses %s with an InputFileError naming the file", (_what, text, message) => {
  expect(() => readMeasurements("m.json", text)).toThrow(InputFileError);
  expect(() => readMeasurements("m.json", text)).toThrow(message);
  expect(() => readMeasurements("m.json", text)).toThrow(/^m\.json: /);
});

describe("files", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "measurements-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("a missing file, a directory, a huge file and a file that is not UTF-8 are InputFileErrors", () => {
    const huge = join(dir, "huge.json");
    writeFileSync(huge, Buffer.alloc(1024 * 1024 + 1, 0x20));
    const binary = join(dir, "binary.json");
    writeFileSync(binary, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(() => readMeasurementsFile(join(dir, "absent.json"))).toThrow(/cannot read it \(ENOENT\)/);
    expect(() => readMeasurementsFile(dir)).toThrow(/not a regular file/);
    expect(() => readMeasurementsFile(huge)).toThrow(/over 1048576 bytes/);
    expect(() => readMeasurementsFile(binary)).toThrow(/not UTF-8/);
  });

  test("a file's label is its name without the extension", () => {
    const file = join(dir, "aarch64.measurements.json");
    writeFileSync(file, buildEnclave);
    expect(readMeasurementsFile(file).label).toBe("aarch64.measurements");
  });
});

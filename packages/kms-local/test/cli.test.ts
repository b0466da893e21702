// The kms-local command's options: what they become, and clear errors for bad ones.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_PORT, parseArguments } from "../src/cli";
import { KmsLocalConfigError } from "../src/errors";

test("defaults and every option", () => {
  expect(parseArguments([])).toEqual({ port: DEFAULT_PORT });
  const dir = mkdtempSync(join(tmpdir(), "kms-local-cli-"));
  try {
    writeFileSync(join(dir, "root.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    writeFileSync(join(dir, "root.der"), Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]));
    const o = parseArguments([
      "--host", "::1", "--port", "0", "--region", "eu-west-1", "--account", "123456789012",
      "--credential", "AKID:secret", "--credential", "B:s2:arn:aws:sts::123456789012:assumed-role/app/i-0abc:TOKEN/+=",
      "--credential", "C:s3:arn:aws:iam::123456789012:root",
      "--trust-root", join(dir, "root.pem"), "--trust-root", join(dir, "root.der"), "--no-aws-root",
      "--data-dir", dir, "--master-key-file", join(dir, "mk"), "--max-body-bytes", "2048", "--verbose",
    ]);
    expect(o).toMatchObject({
      host: "::1", port: 0, region: "eu-west-1", account: "123456789012", trustAwsRoot: false, dataDir: dir,
      masterKeyFile: join(dir, "mk"), maxBodyBytes: 2048, verbose: true,
      credentials: [
        { accessKeyId: "AKID", secretAccessKey: "secret", arn: "arn:aws:iam::123456789012:user/AKID" },
        {
          accessKeyId: "B", secretAccessKey: "s2", sessionToken: "TOKEN/+=",
          arn: "arn:aws:sts::123456789012:assumed-role/app/i-0abc", principalArn: "arn:aws:iam::123456789012:role/app",
        },
        { accessKeyId: "C", secretAccessKey: "s3", arn: "arn:aws:iam::123456789012:root" },
      ],
    });
    expect(typeof o.trustedRoots![0]).toBe("string");
    expect(o.trustedRoots![1]).toEqual(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.each([
  [["--port", "99999"]], [["--port"]], [["--port", "--verbose"]], [["--account", "12"]], [["--region", "mars"]],
  [["--credential", "nosecret"]], [["--credential", "a:b:not-an-arn"]], [["--trust-root", "/nonexistent/file.pem"]],
  // A role is not a caller; its sessions are, and a session's requests carry a session token.
  [["--credential", "a:b:arn:aws:iam::123456789012:role/app"]],
  [["--credential", "a:b:arn:aws:sts::123456789012:assumed-role/app/s"]],
  [["--credential", "a:b:arn:aws:sts::123456789012:assumed-role/app/s:"]],
  [["--max-body-bytes", "10"]], [["--bogus"]], [["positional"]], [["--help=yes"]],
])("%j is a KmsLocalConfigError", (argv) => {
  expect(() => parseArguments(argv)).toThrow(KmsLocalConfigError);
});

test("--tls-cert and --tls-key read PEM files into the tls option; one without the other is refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "kms-local-cli-tls-"));
  try {
    writeFileSync(join(dir, "cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    writeFileSync(join(dir, "key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    expect(parseArguments(["--tls-cert", join(dir, "cert.pem"), "--tls-key", join(dir, "key.pem")]).tls).toEqual({
      cert: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
      key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    });
    expect(() => parseArguments(["--tls-cert", join(dir, "cert.pem")])).toThrow(KmsLocalConfigError);
    expect(() => parseArguments(["--tls-key", join(dir, "key.pem")])).toThrow(KmsLocalConfigError);
    expect(() => parseArguments(["--tls-cert", join(dir, "missing.pem"), "--tls-key", join(dir, "key.pem")])).toThrow(KmsLocalConfigError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

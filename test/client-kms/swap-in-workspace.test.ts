// Swapping ours in with a pnpm `overrides` entry in `workspace:` form, as this workspace itself does in
// its root package.json:   "@aws-sdk/client-kms": "workspace:@nitro-enclaves-sdk/client-kms@*"
// The fixture test/fixtures/swap-in is a workspace package that asks for the official client by name
// (directly, and through @aws-crypto/kms-keyring-node); only the override can make it load ours. Its
// programs then run: probe.cjs (which package loads where), roundtrip.cjs (the keyring wraps and unwraps
// a data key through ours against kms-local) and app.mts (a user's TypeScript, compiled).
// The forms that need a published package are tested in swap-in-published.test.ts.
import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { OFFICIAL_ALIAS, OFFICIAL_VERSION, OURS_PACKAGE } from "./clients";
import { KmsLocal } from "@nitro-enclaves-sdk/kms-local";
import { CreateKeyCommand, KMSClient as OfficialKMSClient } from "official-client-kms";
import { expectOursEverywhere, FIXTURE, probe, run, typecheckApp } from "./swap-in";

const ROOT = join(__dirname, "../..");
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

test("the fixture asks for the official client by name, and the root overrides it with ours", () => {
  expect(readJson(join(FIXTURE, "package.json")).dependencies).toEqual({
    "@aws-crypto/kms-keyring-node": "5.0.2",
    "@aws-sdk/client-kms": "^3.0.0",
  });
  expect(readJson(join(ROOT, "package.json")).pnpm.overrides["@aws-sdk/client-kms"]).toBe(`workspace:${OURS_PACKAGE}@*`);
});

test("the fixture loads ours directly, through kms-keyring-node, and by import", async () => {
  const ours = readJson(join(ROOT, "packages/client-kms/package.json"));
  expectOursEverywhere(await probe(FIXTURE), ours.version, realpathSync(join(ROOT, "packages/client-kms")));
});

test("kms-keyring-node wraps and unwraps a data key through ours, against kms-local", async () => {
  const kms = await KmsLocal.start();
  try {
    // The key is made with the official client (the alias), so only the keyring's calls go through ours.
    const official = new OfficialKMSClient({ endpoint: kms.endpoint, region: "us-east-1", credentials: { accessKeyId: "kms-local", secretAccessKey: "kms-local" } });
    const { KeyMetadata } = await official.send(new CreateKeyCommand({ Description: "swap-in round trip" }));
    const out = await run(process.execPath, ["--no-warnings", "roundtrip.cjs"], FIXTURE, { KMS_ENDPOINT: kms.endpoint, KMS_KEY_ARN: KeyMetadata!.Arn });
    expect(JSON.parse(out)).toEqual({
      clientPackage: OURS_PACKAGE,
      encryptedDataKeys: [{ providerId: "aws-kms", providerInfo: KeyMetadata!.Arn }],
      dataKeyBytes: 32,
      sameDataKey: true,
    });
  } finally {
    await kms.close();
  }
});

test("TypeScript written against @aws-sdk/client-kms compiles unchanged against our types", async () => {
  await expect(typecheckApp(FIXTURE)).resolves.toBe("");
});

test("the official client installed under its alias name stays the official one", () => {
  const manifest = require(`${OFFICIAL_ALIAS}/package.json`);
  expect(manifest).toMatchObject({ name: "@aws-sdk/client-kms", version: OFFICIAL_VERSION });
  expect(realpathSync(require.resolve(OFFICIAL_ALIAS))).not.toContain("packages/client-kms");
});

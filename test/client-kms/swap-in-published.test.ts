// Swapping ours in by the forms that name a published package, installed for real:
//   - pnpm `overrides` with an `npm:` alias:  "@aws-sdk/client-kms": "npm:@nitro-enclaves-sdk/client-kms@<v>"
//   - npm: an `npm:` alias dependency plus npm `overrides` for the rest of the tree.
// Each runs in a throwaway project outside the workspace, against a registry on 127.0.0.1 that holds
// our package as `pnpm pack` makes it and every other package from this workspace's own install (no
// network). The project depends on @aws-sdk/client-kms and on @aws-crypto/kms-keyring-node, and the
// fixture's probe.cjs then reports which package each one loaded and sends a GenerateDataKey through
// kms-keyring-node, and the fixture's app.mts (also as app.cts) must compile against our types.
// The `workspace:` form is tested in swap-in-workspace.test.ts.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OFFICIAL_VERSION, OURS_PACKAGE } from "./clients";
import { startLocalRegistry, type LocalRegistry } from "./local-registry";
import { expectOursEverywhere, FIXTURE, FIXTURE_FILES, probe, run, typecheckApp } from "./swap-in";

const ROOT = join(__dirname, "../..");
const OURS_DIR = join(ROOT, "packages/client-kms");
const KEYRING_VERSION = "5.0.2";

let work: string;
let registry: LocalRegistry;
let oursVersion: string;

beforeAll(async () => {
  if (!existsSync(join(OURS_DIR, "dist"))) throw new Error(`${OURS_DIR} is not built: run \`pnpm build\` first`);
  work = mkdtempSync(join(tmpdir(), "client-kms-swap-in-"));
  // The tarball a `pnpm publish` would upload.
  execFileSync("pnpm", ["pack", "--pack-destination", work], { cwd: OURS_DIR, stdio: "pipe" });
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"))!;
  oursVersion = JSON.parse(readFileSync(join(OURS_DIR, "package.json"), "utf8")).version;
  registry = await startLocalRegistry([join(ROOT, "node_modules/.pnpm")], [join(work, tarball)]);
});

afterAll(async () => {
  await registry?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

// CI=true would make pnpm insist on a lockfile that these fresh projects do not have.
const installEnv = () => ({ CI: undefined, npm_config_registry: registry.url });

/** A throwaway project: package.json as given, the fixture's program, and an .npmrc that knows only our registry. */
function project(name: string, manifest: Record<string, unknown>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, version: "0.0.0", ...manifest }, null, 2));
  writeFileSync(join(dir, ".npmrc"), `registry=${registry.url}\naudit=false\nfund=false\nupdate-notifier=false\n`);
  for (const file of FIXTURE_FILES) copyFileSync(join(FIXTURE, file), join(dir, file));
  // The app once more as CommonJS, the other way TypeScript users compile.
  copyFileSync(join(FIXTURE, "app.mts"), join(dir, "app.cts"));
  return dir;
}

test("pnpm overrides, npm: form: ours everywhere, and an alias of the official stays the official", async () => {
  const dir = project("pnpm-npm-override", {
    dependencies: {
      "@aws-sdk/client-kms": "^3.0.0",
      "@aws-crypto/kms-keyring-node": KEYRING_VERSION,
      "official-client-kms": `npm:@aws-sdk/client-kms@${OFFICIAL_VERSION}`,
    },
    pnpm: { overrides: { "@aws-sdk/client-kms": `npm:${OURS_PACKAGE}@${oursVersion}` } },
  });
  await run("pnpm", ["install", "--no-frozen-lockfile", "--store-dir", join(work, "pnpm-store"), "--cache-dir", join(work, "pnpm-cache"), "--reporter", "silent"], dir, installEnv());
  const report = await probe(dir);
  expectOursEverywhere(report, oursVersion);
  await expect(typecheckApp(dir)).resolves.toBe("");
  expect(report.officialAlias).toMatchObject({ name: "@aws-sdk/client-kms", version: OFFICIAL_VERSION });
  expect(registry.requested.has(OURS_PACKAGE)).toBe(true);
});

test("npm: npm: alias dependency plus overrides: ours everywhere", async () => {
  const spec = `npm:${OURS_PACKAGE}@${oursVersion}`;
  const dir = project("npm-alias-override", {
    dependencies: { "@aws-sdk/client-kms": spec, "@aws-crypto/kms-keyring-node": KEYRING_VERSION },
    // npm wants an override of a direct dependency to be that dependency's own spec: "$<name>" says so.
    overrides: { "@aws-sdk/client-kms": "$@aws-sdk/client-kms" },
  });
  registry.requested.clear();
  await run("npm", ["install", "--cache", join(work, "npm-cache"), "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel", "error"], dir, installEnv());
  expectOursEverywhere(await probe(dir), oursVersion);
  await expect(typecheckApp(dir)).resolves.toBe("");
  // npm never even looked the official client up: every reference to it was rewritten to ours.
  expect(registry.requested.has(OURS_PACKAGE)).toBe(true);
  expect(registry.requested.has("@aws-sdk/client-kms")).toBe(false);
});

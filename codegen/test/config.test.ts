// codegen/config.json: read as data, every value checked, written back whole or not at all.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { pinnedDigests } from "../../test/pinned-files";
import { CONFIG_FILE, loadConfig, writeConfig } from "../src/config";
import { ConfigError } from "../src/errors";
import { CLIENT_PACKAGE, CONFIG, MODELS, tempDir } from "./helpers";

const VALID = {
  model: "models/m.json",
  outDir: "../packages/client-x",
  packageName: "@example/client-x",
  packageVersion: "1.2.3",
  officialClientVersion: "1.2.0",
};

describe("the committed config", () => {
  it("names a pinned model, and the folder, name and version of the committed package generated from it", () => {
    expect(CONFIG.file).toBe(CONFIG_FILE);
    expect(dirname(CONFIG.model)).toBe(MODELS);
    expect(pinnedDigests(MODELS).has(basename(CONFIG.model))).toBe(true);
    expect(CONFIG.outDir).toBe(CLIENT_PACKAGE);
    const pkg = JSON.parse(readFileSync(join(CLIENT_PACKAGE, "package.json"), "utf8"));
    expect(pkg["//"]).toContain(`from ${basename(CONFIG.model)}.`);
    expect(CONFIG.package).toEqual({ name: pkg.name, version: pkg.version, officialClientVersion: expect.any(String) });
  });

  it("mirrors the official client the differential tests compare against", () => {
    const tests = JSON.parse(readFileSync(join(CLIENT_PACKAGE, "..", "..", "test", "package.json"), "utf8"));
    expect(tests.devDependencies["official-client-kms"]).toBe(`npm:@aws-sdk/client-kms@${CONFIG.package.officialClientVersion}`);
  });
});

describe("loadConfig", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir("config")));
  afterEach(() => tmp.cleanup());
  const write = (content: unknown) => {
    const file = join(tmp.dir, "config.json");
    writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
  };

  it("resolves paths against the file's own folder", () => {
    const config = loadConfig(write(VALID));
    expect(config).toEqual({
      file: join(tmp.dir, "config.json"),
      model: join(tmp.dir, "models", "m.json"),
      outDir: join(tmp.dir, "..", "packages", "client-x"),
      package: { name: "@example/client-x", version: "1.2.3", officialClientVersion: "1.2.0" },
    });
  });

  it.each([
    ["a missing file", null, /cannot read .*absent\.json: ENOENT/],
    ["bad JSON", "{ model:", /cannot read .*config\.json: .*JSON/],
    ["an array", [], /must hold a JSON object/],
    ["an unknown key", { ...VALID, packageVersoin: "1.0.0" }, /unknown key "packageVersoin"/],
    ["a missing key", { ...VALID, model: undefined }, /"model" must be a non-empty string/],
    ["a number for a version", { ...VALID, packageVersion: 3 }, /"packageVersion" must be a non-empty string/],
    ["a version with two parts", { ...VALID, officialClientVersion: "3.1156" }, /"officialClientVersion" "3\.1156" is not a version/],
    ["a range for a version", { ...VALID, packageVersion: "^3.1156.0" }, /"packageVersion" "\^3\.1156\.0" is not a version/],
    ["a package name with a capital", { ...VALID, packageName: "@Example/x" }, /"packageName" "@Example\/x" is not an npm package name/],
  ])("refuses %s with a ConfigError", (_what, content, message) => {
    const file = content === null ? join(tmp.dir, "absent.json") : write(content);
    expect(() => loadConfig(file)).toThrow(ConfigError);
    expect(() => loadConfig(file)).toThrow(message);
  });

  it("reads only the file's own keys: a polluted Object.prototype supplies nothing", () => {
    const { packageName: _left, ...rest } = VALID;
    const file = write(rest);
    (Object.prototype as any).packageName = "@evil/pkg";
    try {
      expect(() => loadConfig(file)).toThrow(/"packageName" must be a non-empty string/);
    } finally {
      delete (Object.prototype as any).packageName;
    }
  });
});

describe("writeConfig", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir("config-write")));
  afterEach(() => tmp.cleanup());

  it("writes paths relative to the file's folder, and reads back as written", () => {
    const file = join(tmp.dir, "config.json");
    writeFileSync(file, JSON.stringify(VALID));
    const config = loadConfig(file);
    writeConfig({ ...config, model: join(tmp.dir, "models", "n.json"), package: { ...config.package, version: "1.3.0", officialClientVersion: "1.3.0" } });
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ ...VALID, model: "models/n.json", packageVersion: "1.3.0", officialClientVersion: "1.3.0" });
    expect(readFileSync(file, "utf8").endsWith("}\n")).toBe(true);
    expect(readdirSync(tmp.dir)).toEqual(["config.json"]);
  });

  it("refuses a bad value and leaves the file as it was", () => {
    const file = join(tmp.dir, "config.json");
    writeFileSync(file, JSON.stringify(VALID));
    const config = loadConfig(file);
    expect(() => writeConfig({ ...config, package: { ...config.package, version: "next" } })).toThrow(/"packageVersion" "next" is not a version/);
    expect(readFileSync(file, "utf8")).toBe(JSON.stringify(VALID));
    expect(readdirSync(tmp.dir)).toEqual(["config.json"]);
  });
});

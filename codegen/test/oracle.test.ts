// The oracle alias in test/package.json: read and moved as JSON data, everything else in the file kept.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../src/errors";
import { moveOracle, oracleVersion } from "../src/update/oracle";
import { REPO, tempDir } from "./helpers";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir("oracle")));
afterEach(() => tmp.cleanup());

it("moves the alias, keeping the file's other content, key order and layout", () => {
  const file = join(tmp.dir, "package.json");
  const original = readFileSync(join(REPO, "test", "package.json"), "utf8");
  writeFileSync(file, original);
  const from = oracleVersion(file);
  moveOracle(file, "3.2000.0");
  expect(oracleVersion(file)).toBe("3.2000.0");
  expect(readFileSync(file, "utf8")).toBe(original.replace(`npm:@aws-sdk/client-kms@${from}`, "npm:@aws-sdk/client-kms@3.2000.0"));
  expect(readdirSync(tmp.dir)).toEqual(["package.json"]);
});

it.each([
  ["no alias", { devDependencies: {} }],
  ["an alias of another package", { devDependencies: { "official-client-kms": "npm:left-pad@1.0.0" } }],
  ["no devDependencies", { dependencies: { "official-client-kms": "npm:@aws-sdk/client-kms@3.1.0" } }],
])("refuses a package.json with %s, and leaves it alone", (_what, manifest) => {
  const file = join(tmp.dir, "package.json");
  writeFileSync(file, JSON.stringify(manifest));
  expect(() => moveOracle(file, "3.2000.0")).toThrow(ConfigError);
  expect(() => moveOracle(file, "3.2000.0")).toThrow(/devDependencies\["official-client-kms"\] must be "npm:@aws-sdk\/client-kms@<version>"/);
  expect(readFileSync(file, "utf8")).toBe(JSON.stringify(manifest));
});

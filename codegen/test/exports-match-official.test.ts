// The generated package exposes the same runtime names as the official @aws-sdk/client-kms it mirrors (the
// `official-client-kms` alias, built from the same model): client classes, 54 commands, paginators, enums,
// errors, schemas. (Type-level parity is checked by test/client-kms/types-compat.ts under `pnpm typecheck`.)
import { createRequire } from "node:module";
import { join } from "node:path";
import { CLIENT_PACKAGE, REPO } from "./helpers";

const official = createRequire(join(REPO, "test", "package.json"))("official-client-kms");
const ours = require(join(CLIENT_PACKAGE, "src", "index.ts"));

it("exports the same names as the official client", () => {
  expect(Object.keys(ours).sort()).toEqual(Object.keys(official).sort());
  expect(Object.keys(ours).filter((k) => /^[A-Z]\w+Command$/.test(k))).toHaveLength(54);
  expect(Object.keys(ours).filter((k) => k.startsWith("paginate"))).toHaveLength(8);
});

it("has the same enums, value for value", () => {
  for (const [name, value] of Object.entries(official)) {
    if (value && typeof value === "object" && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string")) {
      expect([name, ours[name]]).toEqual([name, value]);
    }
  }
});

it("has the same aggregated client methods", () => {
  const methods = (m: any) => Object.getOwnPropertyNames(m.KMS.prototype).sort();
  expect(methods(ours)).toEqual(methods(official));
  expect(methods(ours)).toContain("decrypt");
  expect(methods(ours)).toContain("paginateListKeys");
});

it("has error classes with the same name, fault and shape id", () => {
  const errors = Object.keys(official).filter((k) => k.endsWith("Exception") && typeof official[k] === "function");
  expect(errors.length).toBeGreaterThan(45);
  for (const name of errors) {
    const make = (m: any) => new m[name]({ message: "m", $metadata: { httpStatusCode: 400 } });
    const [a, b] = [make(ours), make(official)];
    expect([name, b.name, b.$fault, ours[name].shapeId]).toEqual([name, a.name, a.$fault, official[name].shapeId]);
    expect(a).toBeInstanceOf(ours.KMSServiceException);
    expect(a.message).toBe("m");
  }
});

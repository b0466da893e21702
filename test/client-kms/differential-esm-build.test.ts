// The differential test once more, against our ES module build (dist/esm, what bundlers take through the
// "import"/"module" conditions) instead of the CommonJS build Node loads. jest compiles that bundle to
// CommonJS on the way in, so this checks the bundle's code, not Node's ESM loader (the swap-in probe and
// the bench import it for real).
import { join } from "node:path";

jest.mock("@nitro-enclaves-sdk/client-kms", () => jest.requireActual(join(__dirname, "../../packages/client-kms/dist/esm/index.js")));

test("ours is the ES module build here", () => {
  const ours = jest.requireMock("@nitro-enclaves-sdk/client-kms") as Record<string, unknown>;
  const cjs = jest.requireActual(join(__dirname, "../../packages/client-kms/dist/cjs/index.js")) as Record<string, unknown>;
  expect(ours.KMSClient).not.toBe(cjs.KMSClient);
  expect(Object.keys(ours).sort()).toEqual(Object.keys(cjs).sort());
});

require("./differential.test");

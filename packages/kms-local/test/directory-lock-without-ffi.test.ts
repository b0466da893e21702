// Where ffi-rs cannot be loaded (no prebuilt addon for the platform), the data directory cannot be locked:
// opening a store says so with a KmsLocalConfigError, and a later open tries again.
jest.mock("ffi-rs", () => {
  throw new Error("no prebuilt ffi-rs addon for this platform");
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KmsLocalConfigError } from "../src/errors";
import { FileStore } from "../src/file-store";

test("a store cannot be opened without ffi-rs: KmsLocalConfigError, every time", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kms-local-no-ffi-"));
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await FileStore.open(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KmsLocalConfigError);
      expect(error).toMatchObject({ code: "KmsLocalConfigError", message: expect.stringMatching(/ffi-rs \(which reaches flock\) cannot be loaded/) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The pinned KMS models are the upstream files SOURCES.md names, unchanged: each matches SHA256SUMS.
import { join } from "node:path";
import { filesUnder, pinnedDigests, sha256Of } from "../../test/pinned-files";
import { MODELS } from "./helpers";

const digests = pinnedDigests(MODELS);

test("every model is listed in SHA256SUMS, and every listed model exists", () => {
  expect(filesUnder(MODELS, ["SOURCES.md", "SHA256SUMS"])).toEqual([...digests.keys()].sort());
});

test.each([...digests])("%s has its pinned SHA-256", (file, digest) => {
  expect(sha256Of(join(MODELS, file))).toBe(digest);
});

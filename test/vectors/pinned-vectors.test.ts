// The test vectors are the public files their README describes, unchanged: each matches SHA256SUMS, and
// nothing sits in the folder unlisted.
import { join } from "node:path";
import { filesUnder, pinnedDigests, sha256Of } from "../pinned-files";

const VECTORS = __dirname;
const digests = pinnedDigests(VECTORS);

test("every vector file is listed in SHA256SUMS, and every listed file exists", () => {
  expect(filesUnder(VECTORS, ["README.md", "SHA256SUMS", "pinned-vectors.test.ts"])).toEqual([...digests.keys()].sort());
});

test.each([...digests])("%s has its pinned SHA-256", (file, digest) => {
  expect(sha256Of(join(VECTORS, file))).toBe(digest);
});

test("the AWS root is the one AWS publishes (SHA-256 of the DER certificate)", () => {
  expect(sha256Of(join(VECTORS, "aws-root/AWS_NitroEnclaves_Root-G1.der"))).toBe("641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b");
});

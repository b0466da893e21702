// A malformed model fails with a message naming the shape at fault, and nothing is written.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CodegenError } from "../src/errors";
import { generate } from "../src/pipeline";
import { FIXTURES, PACKAGE, REPO, listFiles, readModel, tempDir } from "./helpers";

const mini = () => readModel(join(FIXTURES, "mini-pre-recipient.json")) as any;

const cases: [string, (m: any) => any, RegExp][] = [
  [
    "a member targeting a missing shape",
    (m) => ((m.shapes["example.kms#DecryptRequest"].members.KeyId.target = "example.kms#Nope"), m),
    /example\.kms#DecryptRequest\$KeyId: targets missing shape example\.kms#Nope/,
  ],
  [
    "an unknown shape type",
    (m) => ((m.shapes["example.kms#PlaintextType"].type = "blobby"), m),
    /example\.kms#PlaintextType: unknown shape type "blobby"/,
  ],
  [
    "a list whose member has no target",
    (m) => ((m.shapes["example.kms#KeyList"] = { type: "list", member: {} }), m),
    /example\.kms#KeyList\$member: member must be an object with a string target/,
  ],
  [
    "an operation whose output is missing",
    (m) => ((m.shapes["example.kms#GenerateRandom"].output.target = "example.kms#Gone"), m),
    /example\.kms#GenerateRandom: output refers to missing shape example\.kms#Gone/,
  ],
  [
    "a service listing a missing operation",
    (m) => (m.shapes["example.kms#MiniKms"].operations.push({ target: "example.kms#Encrypt" }), m),
    /example\.kms#MiniKms: operations\[3\] refers to missing shape example\.kms#Encrypt/,
  ],
  [
    "a paginated token that is not a member",
    (m) => ((m.shapes["example.kms#ListKeys"].traits = { "smithy.api#paginated": { inputToken: "Marker", outputToken: "NextMarker" } }), m),
    /example\.kms#ListKeys: paginated inputToken "Marker" is not a member of its input/,
  ],
  [
    "a paginated operation without tokens",
    (m) => ((m.shapes["example.kms#ListKeys"].traits = { "smithy.api#paginated": { pageSize: "Limit" } }), m),
    /example\.kms#ListKeys: paginated needs an inputToken and an outputToken/,
  ],
  [
    "an error trait that is neither client nor server",
    (m) => ((m.shapes["example.kms#NotFoundException"].traits["smithy.api#error"] = "nobody"), m),
    /example\.kms#NotFoundException: smithy\.api#error must be "client" or "server"/,
  ],
  [
    "an invalid member name",
    (m) => ((m.shapes["example.kms#DecryptRequest"].members["Key-Id"] = { target: "smithy.api#String" }), m),
    /example\.kms#DecryptRequest\$Key-Id: is not a valid member name/,
  ],
  [
    "two reached shapes with the same name in different namespaces",
    (m) => (
      (m.shapes["other.ns#CiphertextType"] = { type: "blob" }),
      (m.shapes["example.kms#DecryptResponse"].members.Other = { target: "other.ns#CiphertextType" }),
      m
    ),
    /#CiphertextType: has the same name as .*#CiphertextType/,
  ],
  [
    "an sdkId that cannot name a client",
    (m) => ((m.shapes["example.kms#MiniKms"].traits["aws.api#service"].sdkId = "KMS/../../evil"), m),
    /example\.kms#MiniKms: aws\.api#service sdkId "KMS\/\.\.\/\.\.\/evil" cannot name a client/,
  ],
  [
    "an endpoint parameter whose name is not an identifier",
    (m) => (
      (m.shapes["example.kms#MiniKms"].traits["smithy.rules#endpointRuleSet"].parameters["Re gion"] = { builtIn: "AWS::Region", type: "String" }),
      m
    ),
    /example\.kms#MiniKms: endpoint parameter name "Re gion" is not an identifier/,
  ],
  [
    "a shape that is not an object",
    (m) => ((m.shapes["example.kms#Weird"] = "blob"), m),
    /example\.kms#Weird: shape definition must be an object/,
  ],
  [
    "an operation error that is a structure without the @error trait",
    (m) => (m.shapes["example.kms#Decrypt"].errors.push({ target: "example.kms#DecryptResponse" }), m),
    /example\.kms#Decrypt: errors\[1\] targets example\.kms#DecryptResponse, which is not a structure with the @error trait/,
  ],
  [
    "an operation error that is not a structure",
    (m) => ((m.shapes["example.kms#GenerateRandom"].errors = [{ target: "smithy.api#String" }]), m),
    /example\.kms#GenerateRandom: errors\[0\] targets smithy\.api#String, which is not a structure with the @error trait/,
  ],
  [
    "a service error that is not an @error structure",
    (m) => ((m.shapes["example.kms#MiniKms"].errors = [{ target: "example.kms#ListKeysRequest" }]), m),
    /example\.kms#MiniKms: errors\[0\] targets example\.kms#ListKeysRequest, which is not a structure with the @error trait/,
  ],
  [
    "a structure that contains itself through a required member",
    (m) => (
      (m.shapes["example.kms#KeyTree"] = { type: "structure", members: { Parent: { target: "example.kms#KeyTree", traits: { "smithy.api#required": {} } } } }),
      (m.shapes["example.kms#DecryptRequest"].members.Tree = { target: "example.kms#KeyTree" }),
      m
    ),
    /example\.kms#KeyTree: can only be built by containing itself: example\.kms#KeyTree\$Parent -> example\.kms#KeyTree /,
  ],
  [
    "two structures that contain each other through required members",
    (m) => (
      (m.shapes["example.kms#Grant"] = { type: "structure", members: { Key: { target: "example.kms#Key", traits: { "smithy.api#required": {} } } } }),
      (m.shapes["example.kms#Key"] = {
        type: "structure",
        members: { Id: { target: "smithy.api#String" }, Grant: { target: "example.kms#Grant", traits: { "smithy.api#required": {} } } },
      }),
      m
    ),
    /example\.kms#Grant: can only be built by containing itself: example\.kms#Grant\$Key -> example\.kms#Key\$Grant -> example\.kms#Grant /,
  ],
  [
    "a structure behind a union whose every member leads back to it",
    (m) => (
      (m.shapes["example.kms#Wrapper"] = { type: "structure", members: { Choice: { target: "example.kms#Choice", traits: { "smithy.api#required": {} } } } }),
      (m.shapes["example.kms#Choice"] = { type: "union", members: { Again: { target: "example.kms#Wrapper" } } }),
      m
    ),
    /example\.kms#Wrapper: can only be built by containing itself: example\.kms#Wrapper\$Choice -> example\.kms#Choice\$Again -> example\.kms#Wrapper /,
  ],
  [
    "a Recipient operation whose input is smithy.api#Unit",
    (m) => ((m.shapes["example.kms#Decrypt"].input = { target: "smithy.api#Unit" }), m),
    /example\.kms#Decrypt: is a Recipient operation but has no input structure \(its input is smithy\.api#Unit\) to carry Recipient/,
  ],
  [
    "a Recipient operation without input",
    (m) => (delete m.shapes["example.kms#GenerateRandom"].input, m),
    /example\.kms#GenerateRandom: is a Recipient operation but has no input structure \(its input is missing\) to carry Recipient/,
  ],
  [
    "a Recipient operation whose output is smithy.api#Unit",
    (m) => ((m.shapes["example.kms#GenerateRandom"].output = { target: "smithy.api#Unit" }), m),
    /example\.kms#GenerateRandom: is a Recipient operation but has no output structure \(its output is smithy\.api#Unit\) to carry CiphertextForRecipient/,
  ],
  [
    "a member targeting a prelude shape Smithy does not have",
    (m) => ((m.shapes["example.kms#DecryptRequest"].members.KeyId.target = "smithy.api#Nope"), m),
    /example\.kms#DecryptRequest\$KeyId: targets missing shape smithy\.api#Nope/,
  ],
];

describe("malformed models", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir("malformed")));
  afterEach(() => tmp.cleanup());

  const writeModel = (model: unknown) => {
    const path = join(tmp.dir, "model.json");
    writeFileSync(path, typeof model === "string" ? model : JSON.stringify(model));
    return path;
  };

  it.each(cases)("%s: fails naming the shape and writes nothing", (_name, corrupt, message) => {
    const out = join(tmp.dir, "out");
    expect(() => generate(writeModel(corrupt(mini())), out, PACKAGE)).toThrow(message);
    expect(existsSync(out)).toBe(false);
    expect(listFiles(tmp.dir)).toEqual(["model.json"]); // no staging directory left behind either
  });

  it("bad JSON fails with a read error naming the file and writes nothing", () => {
    const out = join(tmp.dir, "out");
    const path = writeModel('{ "smithy": "2.0", "shapes": { ');
    let error: unknown;
    try {
      generate(path, out, PACKAGE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CodegenError);
    expect((error as CodegenError).code).toBe("MODEL_READ");
    expect((error as Error).message).toContain("is not valid JSON");
    expect(existsSync(out)).toBe(false);
  });

  it("a model file name cannot break out of the generated comments", () => {
    const out = join(tmp.dir, "out");
    const path = join(tmp.dir, "evil\nprocess.exit(1);.json");
    writeFileSync(path, JSON.stringify(mini()));
    generate(path, out, PACKAGE);
    const index = readFileSync(join(out, "src", "index.ts"), "utf8");
    expect(index.split("\n")[0]).toBe("// Code generated by @nitro-enclaves-sdk/codegen from evil_process.exit_1__.json. DO NOT EDIT.");
    expect(index).not.toContain("\nprocess.exit");
  });

  it("a failure leaves an existing output directory exactly as it was", () => {
    const out = join(tmp.dir, "out");
    mkdirSync(join(out, "src"), { recursive: true });
    writeFileSync(join(out, "src", "index.ts"), "previous output\n");
    expect(() => generate(writeModel(cases[0]![1](mini())), out, PACKAGE)).toThrow(CodegenError);
    expect(listFiles(out)).toEqual(["src/index.ts"]);
    expect(readFileSync(join(out, "src", "index.ts"), "utf8")).toBe("previous output\n");
  });

  it("the command line exits 1 with the message on stderr", () => {
    const out = join(tmp.dir, "out");
    const model = writeModel(cases[1]![1](mini()));
    let stderr = "";
    let status = 0;
    try {
      execFileSync(process.execPath, [join(REPO, "codegen/bin/generate.mjs"), model, out], { stdio: "pipe" });
    } catch (e: any) {
      status = e.status;
      stderr = String(e.stderr);
    }
    expect(status).toBe(1);
    expect(stderr).toMatch(cases[1]![2]);
    expect(existsSync(out)).toBe(false);
  });
});

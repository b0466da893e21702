// Shapes KMS does not use but a Smithy model may: unions, documents, intEnums, timestamp formats, maps of
// structures, sensitive lists, recursion, idempotency tokens, errors with extra members, Unit input and
// output. A client generated from a small model with all of them must type-check and speak awsJson1_1 as
// the Smithy specification says.
import { execFileSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "../src/pipeline";
import { CLIENT_PACKAGE, FIXTURES, PACKAGE, REPO, tempDir } from "./helpers";

const tmp = tempDir("features");
const out = join(tmp.dir, "client-widgets");
let sdk: any;
let sent: { target: string; body: any }[] = [];
let reply: { status: number; body: unknown } = { status: 200, body: {} };

beforeAll(() => {
  generate(join(FIXTURES, "mini-features.json"), out, PACKAGE);
  symlinkSync(join(CLIENT_PACKAGE, "node_modules"), join(out, "node_modules"), "dir");
  sdk = require(join(out, "src", "index.ts"));
});
afterAll(() => tmp.cleanup());
beforeEach(() => (sent = []));

const logged: unknown[] = [];
const client = () =>
  new sdk.WidgetsClient({
    region: "eu-central-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
    logger: { debug() {}, info: (x: unknown) => logged.push(x), warn() {}, error() {} },
    requestHandler: {
      handle: async (request: any) => {
        const text = typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body ?? new Uint8Array());
        sent.push({ target: request.headers["x-amz-target"], body: text === "" ? undefined : JSON.parse(text) });
        const { Readable } = await import("node:stream");
        const body = Readable.from([Buffer.from(JSON.stringify(reply.body))]);
        return { response: { statusCode: reply.status, headers: { "content-type": "application/x-amz-json-1.1" }, body } };
      },
    },
  });

it("type-checks under strict TypeScript", () => {
  writeFileSync(
    join(out, "tsconfig.check.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: "ES2022", module: "commonjs", moduleResolution: "node", skipLibCheck: true,
        types: ["node"], typeRoots: [join(REPO, "node_modules", "@types")],
      },
      include: ["src"],
    }),
  );
  const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO] });
  expect(() => execFileSync(process.execPath, [tsc, "-p", join(out, "tsconfig.check.json")], { stdio: "pipe" })).not.toThrow();
});

it("serializes every kind of member as awsJson1_1 specifies", async () => {
  reply = { status: 200, body: { Id: "w-1" } };
  const madeAt = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 500));
  const shippedAt = new Date(Date.UTC(2024, 5, 6, 7, 8, 9));
  await client().send(
    new sdk.PutWidgetCommand({
      Name: "w",
      Shape: { Circle: { Radius: 3 } },
      Extra: { nested: [1, "two", { three: true }] },
      Size: sdk.Size.LARGE,
      MadeAt: madeAt,
      ShippedAt: shippedAt,
      Weight: 1.5,
      Count: 9007199254740991,
      Parts: { a: { Kind: "bolt" }, b: { Kind: sdk.Kind.NUT } },
      Secrets: ["s1"],
      Payload: Uint8Array.from([0xff, 0x00]),
      Parent: { Name: "p", Child: { Name: "c" } },
    }),
  );
  expect(sent[0]!.target).toBe("Widgets.PutWidget");
  const { Token, ...body } = sent[0]!.body;
  expect(Token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/); // idempotency token filled in
  expect(body).toEqual({
    Name: "w",
    Shape: { Circle: { Radius: 3 } },
    Extra: { nested: [1, "two", { three: true }] },
    Size: 2,
    MadeAt: madeAt.getTime() / 1000, // epoch seconds, the protocol's default
    ShippedAt: expect.stringMatching(/^2024-06-06T07:08:09(\.0+)?Z$/), // the shape's date-time format
    Weight: 1.5,
    Count: 9007199254740991,
    Parts: { a: { Kind: "bolt" }, b: { Kind: "nut" } },
    Secrets: ["s1"],
    Payload: "/wA=",
    Parent: { Name: "p", Child: { Name: "c" } },
  });
  // The sensitive list is sent, but kept out of the client's log.
  expect(logged.at(-1)).toMatchObject({ commandName: "PutWidgetCommand", input: { Name: "w", Secrets: "***SensitiveInformation***" } });
});

it("keeps a given idempotency token and sends a union's other member", async () => {
  reply = { status: 200, body: { Id: "w-2" } };
  await client().send(new sdk.PutWidgetCommand({ Name: "w", Token: "t-1", Shape: { Label: "round" } }));
  expect(sent[0]!.body).toEqual({ Name: "w", Token: "t-1", Shape: { Label: "round" } });
});

it("parses timestamps, unions and maps of structures in the response", async () => {
  reply = { status: 200, body: { Id: "w-3", MadeAt: 1704164645.5, Shape: { Label: "x" }, Parts: { a: { Kind: "nut" } } } };
  const output = await client().send(new sdk.PutWidgetCommand({ Name: "w" }));
  expect(output.Id).toBe("w-3");
  expect(output.MadeAt).toEqual(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 500)));
  expect(output.Shape).toEqual({ Label: "x" });
  expect(output.Parts).toEqual({ a: { Kind: "nut" } });
});

it("turns a modelled error into its class with its extra members and metadata", async () => {
  reply = { status: 409, body: { __type: "example.widgets#WidgetConflict", message: "taken", ConflictingId: "w-0", RetryAfter: 5 } };
  const error = await client().send(new sdk.PutWidgetCommand({ Name: "w" })).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(sdk.WidgetConflict);
  expect(error).toBeInstanceOf(sdk.WidgetsServiceException);
  expect(error).toMatchObject({ name: "WidgetConflict", $fault: "client", message: "taken", ConflictingId: "w-0", RetryAfter: 5 });
  expect(error.$metadata.httpStatusCode).toBe(409);
});

it("sends an operation with Unit input and output, and has no paginators when none are modelled", async () => {
  reply = { status: 200, body: {} };
  const output = await new sdk.Widgets({
    region: "eu-central-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
    requestHandler: client().config.requestHandler,
  }).ping();
  expect(sent[0]!.target).toBe("Widgets.Ping");
  expect(sent[0]!.body).toEqual({});
  expect(output.$metadata.httpStatusCode).toBe(200);
  expect(Object.keys(sdk).filter((k) => k.startsWith("paginate"))).toEqual([]);
});

it("does not add recipient shapes to a service without recipient operations", () => {
  expect(sdk.RecipientInfo$).toBeUndefined();
  expect(sdk.KeyEncryptionMechanism).toBeUndefined();
});

// Differential test: our generated client against the official @aws-sdk/client-kms built from the same
// model. For every operation in the model, the same input must put the same request on the wire, the
// same response bytes must parse to the same output, and every modelled error must come back as the
// same typed exception. Inputs and responses are generated from the model's shapes.
import { realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { CaptureHandler, clientOf, configFor, isolateFromAwsEnvironment, ok, toWire, type CannedResponse } from "./capture";
import { OFFICIAL_ALIAS, OFFICIAL_VERSION, OURS_PACKAGE, OURS_VERSION, official, ours, type KmsModule } from "./clients";
import { errorShapes, localName, operations, shape, type Operation } from "./model";
import { fromExample, sample, type Coverage } from "./samples";

const VARIANTS = [0, 1, 2];
const lowerFirst = (s: string) => s[0].toLowerCase() + s.slice(1);

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = isolateFromAwsEnvironment();
});
afterAll(() => restoreEnv());

/** Sends `input` as `op` through a fresh client of `mod` that answers `response`; returns the request and the outcome. */
async function call(mod: KmsModule, op: string, input: unknown, response: CannedResponse, via: "command" | "aggregate" = "command") {
  const handler = new CaptureHandler(() => response);
  let output: unknown;
  let error: unknown;
  try {
    if (via === "command") output = await clientOf(mod, handler).send(new mod[`${op}Command`](input));
    else output = await new mod.KMS(configFor(handler))[lowerFirst(op)](input);
  } catch (e) {
    error = e;
  }
  return { request: handler.wire[0], output, error };
}

/** The inputs each operation is sent with: every member on several variants, and required members only. */
function inputsFor(op: Operation, seen?: Coverage) {
  const full = sample(op.input, op.name, { variant: 0, requiredOnly: false }).value as Record<string, unknown>;
  const [first] = Object.keys(full);
  return [
    ...VARIANTS.map((variant) => ({ label: `all members, variant ${variant}`, value: sample(op.input, op.name, { variant, requiredOnly: false }, seen).value })),
    { label: "required members only", value: sample(op.input, op.name, { variant: 0, requiredOnly: true }, seen).value },
    // What callers also pass: a member set to undefined, and one the model does not have.
    { label: "an undefined member and an unknown one", value: { ...full, ...(first ? { [first]: undefined } : {}), NotInTheModel: "x" } },
  ];
}

describe("the generated inputs cover every kind of value the model has", () => {
  test("the model read is the whole model: 54 operations, 48 error shapes, 391 operation errors", () => {
    expect(operations).toHaveLength(54);
    expect(errorShapes).toHaveLength(48);
    expect(operations.reduce((n, op) => n + op.errors.length, 0)).toBe(391);
  });


  test("blobs, timestamps, maps, lists, enums, nested structures and Recipient all occur", () => {
    const seen: Coverage = new Set();
    for (const op of operations) inputsFor(op, seen);
    for (const kind of ["blob", "timestamp", "map", "list", "enum", "integer", "boolean", "nested structure", "Recipient", "empty list", "empty map"]) {
      expect({ kind, covered: seen.has(kind) }).toEqual({ kind, covered: true });
    }
  });
});

describe("public surface", () => {
  test("the two modules compared are two different packages: ours (built) and the official", () => {
    expect(require(`${OURS_PACKAGE}/package.json`)).toMatchObject({ name: OURS_PACKAGE, version: OURS_VERSION });
    expect(require.resolve(OURS_PACKAGE)).toMatch(/packages\/client-kms\/dist\/cjs\//);
    expect(require(`${OFFICIAL_ALIAS}/package.json`)).toMatchObject({ name: "@aws-sdk/client-kms", version: OFFICIAL_VERSION });
    expect(ours.KMSClient).not.toBe(official.KMSClient);
  });

  test("ours exports every name the official client exports, of the same kind", () => {
    // (`default` is the namespace-import interop's view of a CommonJS module, not an export of either.)
    const exported = (mod: KmsModule) => Object.keys(mod).filter((name) => name !== "default");
    const missing = exported(official).filter((name) => !(name in ours));
    expect(missing).toEqual([]);
    const kindDiffers = exported(official).filter((name) => typeof ours[name] !== typeof official[name]);
    expect(kindDiffers).toEqual([]);
    // Classes and functions carry the same `name` (what stack traces, util.inspect and loggers print).
    const functions = exported(official).filter((name) => typeof official[name] === "function");
    expect(functions.map((name) => [name, ours[name].name])).toEqual(functions.map((name) => [name, official[name].name]));
  });

  test("enum objects have the same members and values", () => {
    const enums = Object.keys(official).filter((n) => typeof official[n] === "object" && official[n] !== null && Object.values(official[n]).every((v) => typeof v === "string"));
    expect(enums.length).toBeGreaterThan(20);
    for (const name of enums) expect({ name, value: ours[name] }).toStrictEqual({ name, value: official[name] });
  });

  test("a client has the same middleware stack and the same configuration keys and plain values", () => {
    const [mine, theirs] = [ours, official].map((mod) => clientOf(mod, new CaptureHandler(() => ok())));
    expect(mine.middlewareStack.identify()).toEqual(theirs.middlewareStack.identify());
    expect(Object.keys(mine.config).sort()).toEqual(Object.keys(theirs.config).sort());
    const plain = (config: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(config).filter(([, v]) => v === null || !["object", "function"].includes(typeof v)));
    expect(plain(mine.config)).toEqual(plain(theirs.config));
    expect(mine.config.protocolSettings).toMatchObject({ ...theirs.config.protocolSettings, errorTypeRegistries: expect.anything() });
  });

  test("every command declares the same endpoint parameters, and every error class the same shape id", () => {
    for (const op of operations) {
      const name = `${op.name}Command`;
      expect({ name, params: ours[name].getEndpointParameterInstructions() }).toEqual({ name, params: official[name].getEndpointParameterInstructions() });
    }
    for (const id of errorShapes) {
      const name = localName(id);
      const made = (mod: KmsModule) => errorView(mod, new mod[name]({ message: "made by hand", $metadata: { httpStatusCode: 400 } }));
      expect({ name, shapeId: ours[name].shapeId, made: made(ours) }).toStrictEqual({ name, shapeId: official[name].shapeId, made: made(official) });
    }
  });

  test("a command class, a paginator and an aggregated method for every operation in the model", () => {
    for (const op of operations) {
      expect(typeof ours[`${op.name}Command`]).toBe("function");
      expect(typeof ours.KMS.prototype[lowerFirst(op.name)]).toBe("function");
      if (op.paginated) expect(typeof ours[`paginate${op.name}`]).toBe("function");
    }
  });
});

describe.each(operations)("$name", (op) => {
  test("puts the same request on the wire for the same input", async () => {
    for (const { label, value } of inputsFor(op)) {
      const theirs = await call(official, op.name, value, ok());
      const mine = await call(ours, op.name, value, ok());
      expect(theirs.error).toBeUndefined();
      expect({ label, request: mine.request }).toStrictEqual({ label, request: theirs.request });
      // The aggregated client (`new KMS().decrypt(...)`) sends the very same request.
      const aggregate = await call(ours, op.name, value, ok(), "aggregate");
      expect({ label, request: aggregate.request }).toStrictEqual({ label, request: theirs.request });
    }
  });

  test("the request names the operation and carries the input as awsJson1_1", async () => {
    const value = sample(op.input, op.name, { variant: 0, requiredOnly: false });
    const { request } = await call(ours, op.name, value.value, ok());
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/");
    expect(request.headers["x-amz-target"]).toBe(`TrentService.${op.name}`);
    expect(request.headers["content-type"]).toBe("application/x-amz-json-1.1");
    // Independent of either client: the body is what the model says the input looks like in JSON.
    expect(JSON.parse(request.body)).toEqual(value.wire);
  });

  test("parses the same response bytes to the same output", async () => {
    for (const variant of VARIANTS) {
      const out = sample(op.output, op.name, { variant, requiredOnly: false });
      // A member the model does not know (a newer service) must be handled alike by both.
      const body = { ...(out.wire as object), SomeFutureMember: { x: [1] } };
      const response: CannedResponse = { statusCode: 200, headers: { "x-amzn-requestid": `rid-${op.name}-${variant}` }, body: JSON.stringify(body) };
      const input = sample(op.input, op.name, { variant: 0, requiredOnly: true }).value;
      const theirs = await call(official, op.name, input, response);
      const mine = await call(ours, op.name, input, response);
      expect(theirs.error).toBeUndefined();
      expect(mine.error).toBeUndefined();
      expect({ variant, output: mine.output }).toStrictEqual({ variant, output: theirs.output });
      // Independent of either client: the modelled members decode to what the model says they hold.
      const { $metadata, ...fields } = theirs.output as Record<string, unknown>;
      const modelled = Object.fromEntries(Object.keys(out.value as object).map((k) => [k, fields[k]]));
      expect(modelled).toEqual(out.value);
      // (The official client hands a Unit output's body back as it came; only modelled outputs drop it.)
      if (op.output !== "smithy.api#Unit") expect(fields).not.toHaveProperty("SomeFutureMember");
      expect($metadata).toMatchObject({ httpStatusCode: 200, requestId: `rid-${op.name}-${variant}`, attempts: 1 });
    }
  });

  test("logs the same call, sensitive members redacted", async () => {
    const logged = async (mod: KmsModule) => {
      const lines: { level: string; args: unknown[] }[] = [];
      const log = (level: string) => (...args: unknown[]) => lines.push({ level, args });
      const logger = { trace: log("trace"), debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
      const out = sample(op.output, op.name, { variant: 0, requiredOnly: false });
      const handler = new CaptureHandler(() => ok(out.wire));
      const input = sample(op.input, op.name, { variant: 0, requiredOnly: false }).value;
      await clientOf(mod, handler, { logger }).send(new mod[`${op.name}Command`](input));
      return lines;
    };
    const theirs = await logged(official);
    expect(theirs.filter((l) => l.level === "info")).toHaveLength(1);
    // Every line, debug included, in the same order (config loaders log in the order of the endpoint parameters).
    expect(await logged(ours)).toStrictEqual(theirs);
  });

  test.each(op.errors.map((id) => ({ error: localName(id), id })))("modelled error $error comes back the same", async ({ error, id }) => {
    for (const response of errorResponses(id)) {
      const input = sample(op.input, op.name, { variant: 0, requiredOnly: true }).value;
      const theirs = await call(official, op.name, input, response);
      const mine = await call(ours, op.name, input, response);
      expect(errorView(official, theirs.error)).toMatchObject({ name: error, ownClass: true, serviceException: true });
      expect(errorView(ours, mine.error)).toStrictEqual(errorView(official, theirs.error));
    }
  });
});

describe.each(operations.filter((op) => op.examples.length > 0))("$name, AWS's documented examples", (op) => {
  test.each(op.examples.map((e) => [e.title, e] as const))("%s", async (_, example) => {
    const input = fromExample(op.input, example.input ?? {});
    const output = fromExample(op.output, example.output ?? {});
    const response: CannedResponse = example.error
      ? { statusCode: 400, body: JSON.stringify({ __type: example.error.shapeId, ...(example.error.content as object) }) }
      : { statusCode: 200, body: JSON.stringify(output.wire) };
    const theirs = await call(official, op.name, input.value, response);
    const mine = await call(ours, op.name, input.value, response);
    expect(JSON.parse(theirs.request.body)).toEqual(input.wire);
    expect(mine.request).toStrictEqual(theirs.request);
    expect({ output: mine.output, error: errorView(ours, mine.error ?? null) }).toStrictEqual({ output: theirs.output, error: errorView(official, theirs.error ?? null) });
    if (!example.error) expect(theirs.output).toMatchObject(output.value as object);
  });
});

describe("errors outside an operation's model", () => {
  test.each(errorShapes.map(localName))("%s is exported and thrown as itself by any operation", async (error) => {
    const response = errorResponses(`com.amazonaws.kms#${error}`)[0];
    const theirs = await call(official, "ListKeys", {}, response);
    const mine = await call(ours, "ListKeys", {}, response);
    expect(errorView(ours, mine.error)).toStrictEqual(errorView(official, theirs.error));
  });

  test("errors are recognised across the two packages as between two copies of the official client", async () => {
    for (const id of errorShapes) {
      const name = localName(id);
      const other = localName(errorShapes[(errorShapes.indexOf(id) + 1) % errorShapes.length]);
      const response = errorResponses(id)[0];
      const mine = (await call(ours, "ListKeys", {}, response)).error;
      const theirs = (await call(official, "ListKeys", {}, response)).error;
      const view = (e: unknown, mod: KmsModule) => ({ name, same: e instanceof mod[name], base: e instanceof mod.KMSServiceException, other: e instanceof mod[other] });
      expect(view(mine, official)).toEqual({ name, same: true, base: true, other: false });
      expect(view(theirs, ours)).toEqual({ name, same: true, base: true, other: false });
    }
  });

  test("an error type the model does not know becomes a KMSServiceException named after it", async () => {
    const response: CannedResponse = { statusCode: 400, body: JSON.stringify({ __type: "com.amazonaws.kms#BrandNewException", message: "new" }) };
    const theirs = await call(official, "Decrypt", {}, response);
    const mine = await call(ours, "Decrypt", {}, response);
    expect(errorView(official, theirs.error)).toMatchObject({ name: "BrandNewException", serviceException: true });
    expect(errorView(ours, mine.error)).toStrictEqual(errorView(official, theirs.error));
  });

  test("a 5xx with no body keeps the status and request id", async () => {
    const response: CannedResponse = { statusCode: 503, headers: { "x-amzn-requestid": "rid-503" }, body: "" };
    const theirs = await call(official, "GenerateRandom", { NumberOfBytes: 32 }, response);
    const mine = await call(ours, "GenerateRandom", { NumberOfBytes: 32 }, response);
    expect(errorView(ours, mine.error)).toStrictEqual(errorView(official, theirs.error));
  });
});

describe("edge cases, compared with the official client whatever it does", () => {
  test("a Recipient with an attestation document of the model's maximum size (256 KiB)", async () => {
    const AttestationDocument = Uint8Array.from({ length: 262144 }, (_, i) => (i * 7) & 0xff);
    const input = { CiphertextBlob: new Uint8Array(6144).fill(3), Recipient: { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument } };
    const theirs = await call(official, "Decrypt", input, ok());
    expect(JSON.parse(theirs.request.body).Recipient.AttestationDocument).toBe(Buffer.from(AttestationDocument).toString("base64"));
    expect((await call(ours, "Decrypt", input, ok())).request).toStrictEqual(theirs.request);
  });

  const oddResponses: [string, string, string][] = [
    ["null members", "DescribeKey", '{"KeyMetadata":{"KeyId":"k","Arn":null,"CreationDate":null,"Enabled":null,"EncryptionAlgorithms":null}}'],
    ["an enum value newer than the model", "DescribeKey", '{"KeyMetadata":{"KeyId":"k","KeySpec":"ML_DSA_FUTURE","KeyUsage":"SOMETHING_NEW"}}'],
    ["a timestamp as an ISO string", "DescribeKey", '{"KeyMetadata":{"KeyId":"k","CreationDate":"2024-02-29T12:34:56.789Z"}}'],
    ["a timestamp as a numeric string", "DescribeKey", '{"KeyMetadata":{"KeyId":"k","CreationDate":"1700000000.5"}}'],
    ["an empty body for a modelled output", "Decrypt", ""],
    ["a list holding null", "ListAliases", '{"Aliases":[null,{"AliasName":"alias/a"}],"Truncated":false}'],
    ["a map holding null", "ListGrants", '{"Grants":[{"GrantId":"g","Constraints":{"EncryptionContextEquals":{"a":null,"b":"x"}}}]}'],
    ["base64 without padding", "Decrypt", '{"KeyId":"k","Plaintext":"AAEC","CiphertextForRecipient":"AAECAw"}'],
    ["not JSON at all", "Decrypt", "<html>gateway timeout</html>"],
  ];
  test.each(oddResponses)("a response with %s (%s)", async (_, op, body) => {
    const response: CannedResponse = { statusCode: 200, headers: { "x-amzn-requestid": "odd" }, body };
    const theirs = await call(official, op, {}, response);
    const mine = await call(ours, op, {}, response);
    expect({ output: mine.output, error: errorView(ours, mine.error ?? null) }).toStrictEqual({ output: theirs.output, error: errorView(official, theirs.error ?? null) });
  });
});

describe("retries", () => {
  test("a retryable error then success: same requests and $metadata.attempts", async () => {
    const run = async (mod: KmsModule) => {
      const handler = new CaptureHandler((_, i) =>
        i === 0 ? errorResponses("com.amazonaws.kms#KMSInternalException")[0] : ok({ Plaintext: "AAEC", KeyId: "k" }),
      );
      const client = clientOf(mod, handler, { maxAttempts: 3 });
      const output = await client.send(new mod.GenerateRandomCommand({ NumberOfBytes: 3 }));
      return { requests: handler.wire, attempts: output.$metadata.attempts, plaintext: output.Plaintext };
    };
    const theirs = await run(official);
    expect(theirs.attempts).toBe(2);
    expect(await run(ours)).toStrictEqual(theirs);
  });
});

describe("plugins, extensions, callbacks and aborts behave the same", () => {
  const input = { KeyId: "alias/x", NumberOfBytes: 32, Recipient: { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: new Uint8Array([1, 2]) } };

  test("a runtime extension that swaps the HTTP handler and region is honoured", async () => {
    const run = async (mod: KmsModule) => {
      const handler = new CaptureHandler(() => ok({ KeyId: "k" }));
      const extension = {
        configure(ext: { setHttpHandler(h: unknown): void; setRegion(r: string): void }) {
          ext.setHttpHandler(handler);
          ext.setRegion("eu-north-1");
        },
      };
      const client = new mod.KMSClient({ region: "us-west-2", credentials: { accessKeyId: "A", secretAccessKey: "S" }, extensions: [extension] });
      const output = await client.send(new mod.GenerateDataKeyCommand(input));
      return { requests: handler.wire, output };
    };
    const theirs = await run(official);
    expect(theirs.requests.map((r) => r.hostname)).toEqual(["kms.eu-north-1.amazonaws.com"]);
    expect(await run(ours)).toStrictEqual(theirs);
  });

  test("a plugin's middleware runs at the same step and sees the same request", async () => {
    const run = async (mod: KmsModule) => {
      const handler = new CaptureHandler(() => ok({ KeyId: "k" }));
      const client = clientOf(mod, handler);
      const seen: string[] = [];
      client.middlewareStack.use({
        applyToStack(stack: { add(mw: unknown, opts: unknown): void }) {
          stack.add(
            (next: (a: { request: { headers: Record<string, string> } }) => unknown, context: { commandName: string; clientName: string }) =>
              (args: { request: { headers: Record<string, string> } }) => {
                seen.push(`${context.clientName}.${context.commandName}`);
                args.request.headers["x-plugin"] = "1";
                return next(args);
              },
            { step: "build", name: "testPlugin" },
          );
        },
      });
      await client.send(new mod.GenerateDataKeyCommand(input));
      return { seen, requests: handler.wire, stack: client.middlewareStack.identify() };
    };
    const theirs = await run(official);
    expect(theirs.seen).toEqual(["KMSClient.GenerateDataKeyCommand"]);
    expect(theirs.requests[0].headers["x-plugin"]).toBe("1");
    expect(await run(ours)).toStrictEqual(theirs);
  });

  test("the aggregated client takes a callback", async () => {
    const run = (mod: KmsModule) =>
      new Promise((resolve) => {
        const handler = new CaptureHandler(() => ok({ KeyId: "k", CiphertextForRecipient: "AAEC" }));
        new mod.KMS(configFor(handler)).generateDataKey(input, (err: unknown, data: unknown) => resolve({ err, data, requests: handler.wire }));
      });
    const theirs = await run(official);
    expect(theirs).toMatchObject({ err: null, data: { CiphertextForRecipient: new Uint8Array([0, 1, 2]) } });
    expect(await run(ours)).toStrictEqual(theirs);
  });

  test("send options (the abort signal) reach the request handler", async () => {
    const run = async (mod: KmsModule) => {
      const controller = new AbortController();
      let received: unknown;
      const handler = new CaptureHandler(() => ok());
      const spy = { handle: (request: never, options: { abortSignal?: unknown }) => ((received = options?.abortSignal), handler.handle(request)) };
      await new mod.KMSClient({ ...configFor(handler), requestHandler: spy }).send(new mod.GenerateDataKeyCommand(input), { abortSignal: controller.signal });
      return { sameSignal: received === controller.signal, requests: handler.wire };
    };
    const theirs = await run(official);
    expect(theirs.sameSignal).toBe(true);
    expect(await run(ours)).toStrictEqual(theirs);
  });
});

describe("which errors are retried", () => {
  // Every modelled error, plus the throttling names the SDK retries by convention, each once before a success.
  const candidates = [...errorShapes.map(localName), "ThrottlingException", "TooManyRequestsException", "RequestTimeout"];
  test("each error is retried (or not) alike, with the same requests and attempts", async () => {
    const run = async (mod: KmsModule, name: string) => {
      const id = errorShapes.find((e) => localName(e) === name);
      const first = id ? errorResponses(id)[0] : { statusCode: 400, body: JSON.stringify({ __type: name, message: "slow down" }) };
      const handler = new CaptureHandler((_, i) => (i === 0 ? first : ok({ Plaintext: "AAEC" })));
      const outcome = await clientOf(mod, handler, { maxAttempts: 2 })
        .send(new mod.GenerateRandomCommand({ NumberOfBytes: 3 }))
        .then(
          (out: { $metadata: { attempts: number } }) => ({ retried: true, attempts: out.$metadata.attempts }),
          (e: { name: string; $metadata: { attempts: number } }) => ({ retried: false, attempts: e.$metadata.attempts, error: e.name }),
        );
      return { name, ...outcome, requests: handler.wire };
    };
    const theirs = await Promise.all(candidates.map((name) => run(official, name)));
    const mine = await Promise.all(candidates.map((name) => run(ours, name)));
    // Not vacuous: the official retries some (5xx, throttling) and not others.
    expect(theirs.filter((r) => r.retried).map((r) => r.name)).toEqual(expect.arrayContaining(["KMSInternalException", "ThrottlingException"]));
    expect(theirs.filter((r) => !r.retried).map((r) => r.name)).toEqual(expect.arrayContaining(["NotFoundException"]));
    expect(mine).toStrictEqual(theirs);
  });
});

describe.each(operations.filter((op) => op.paginated))("paginate$name", (op) => {
  test("walks the same pages with the same requests", async () => {
    const p = op.paginated!;
    const run = async (mod: KmsModule) => {
      const pages = [0, 1, 2].map((variant) => sample(op.output, op.name, { variant, requiredOnly: false }).wire as Record<string, unknown>);
      pages[0][p.outputToken] = "token-1";
      pages[1][p.outputToken] = "token-2";
      delete pages[2][p.outputToken];
      const handler = new CaptureHandler((_, i) => ok(pages[i]));
      const input = { ...(sample(op.input, op.name, { variant: 0, requiredOnly: true }).value as object) };
      const seen: unknown[] = [];
      for await (const page of mod[`paginate${op.name}`]({ client: clientOf(mod, handler), pageSize: 7 }, input)) seen.push(page);
      return { requests: handler.wire, pages: seen };
    };
    const theirs = await run(official);
    expect(theirs.requests.map((r) => JSON.parse(r.body)[p.inputToken])).toEqual([undefined, "token-1", "token-2"]);
    expect(await run(ours)).toStrictEqual(theirs);
  });

  test("starts from a given token and stops when the service repeats a token", async () => {
    const p = op.paginated!;
    const run = async (mod: KmsModule) => {
      const page = { ...(sample(op.output, op.name, { variant: 1, requiredOnly: false }).wire as object), [p.outputToken]: "same" };
      const handler = new CaptureHandler(() => ok(page));
      const config = { client: clientOf(mod, handler), startingToken: "from-here", stopOnSameToken: true };
      let pages = 0;
      for await (const _ of mod[`paginate${op.name}`](config, {})) if (++pages > 5) break;
      return { pages, tokens: handler.wire.map((r) => JSON.parse(r.body)[p.inputToken]) };
    };
    const theirs = await run(official);
    expect(theirs.tokens[0]).toBe("from-here");
    expect(await run(ours)).toStrictEqual(theirs);
  });
});

/** The ways an awsJson1_1 service names an error: `__type` in the body (qualified or not), or the header. */
function errorResponses(id: string): CannedResponse[] {
  const s = shape(id);
  const name = localName(id);
  const statusCode = (s.traits?.["smithy.api#httpError"] as number | undefined) ?? (s.traits?.["smithy.api#error"] === "server" ? 500 : 400);
  const members = sample(id, name, { variant: 0, requiredOnly: false }).wire as Record<string, unknown>;
  const headers = { "x-amzn-requestid": `rid-${name}` };
  return [
    { statusCode, headers, body: JSON.stringify({ __type: id, ...members }) },
    { statusCode, headers, body: JSON.stringify({ __type: name, Message: `capitalised ${name}` }) },
    {
      statusCode,
      headers: { ...headers, "x-amzn-errortype": `${name}:http://internal.amazon.com/coral/com.amazon.coral.service/` },
      body: JSON.stringify(members),
    },
  ];
}

/** The smithy `ServiceException` base class as each client loads it (from its own dependencies). */
const serviceExceptionOf = new Map<KmsModule, new (...args: never[]) => Error>(
  [ours, official].map((mod) => {
    const entry = require.resolve(mod === ours ? OURS_PACKAGE : OFFICIAL_ALIAS);
    return [mod, createRequire(realpathSync(entry))("@smithy/core/client").ServiceException];
  }),
);

/** An error as a caller sees it: class checks against its own module, name, message and every own field. */
function errorView(mod: KmsModule, e: unknown) {
  if (!(e instanceof Error)) return { notAnError: e };
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(e)) fields[key] = (e as unknown as Record<string, unknown>)[key];
  const cls = mod[e.name];
  return {
    name: e.name,
    className: e.constructor.name,
    message: e.message,
    fields,
    ownClass: typeof cls === "function" && e instanceof cls && e.constructor === cls,
    serviceException: e instanceof mod.KMSServiceException && e instanceof serviceExceptionOf.get(mod)!,
    hasResponse: "$response" in e,
  };
}

test("the request view sets aside only the signature, dates, invocation id and client version", () => {
  const authorization =
    "AWS4-HMAC-SHA256 Credential=AKID/20261127/us-west-2/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd";
  const wire = toWire({
    method: "POST", protocol: "https:", hostname: "h", path: "/", body: "{}",
    headers: {
      Authorization: authorization, "X-Amz-Date": "d", "X-Amz-Target": "t", "amz-sdk-invocation-id": "i",
      "User-Agent": "aws-sdk-js/3.1155.0 ua/2.1 lang/js api/kms#3.1155.0 m/E,e app/1",
    },
  });
  expect(wire.headers).toEqual({
    authorization: "AWS4-HMAC-SHA256 Credential=AKID/<date>/us-west-2/kms/aws4_request, SignedHeaders=host;x-amz-date",
    "user-agent": "aws-sdk-js/<version> ua/2.1 lang/js api/kms#<version> m/E,e app/1",
    "x-amz-target": "t",
  });
});

// The model's own endpoint test cases (`smithy.rules#endpointTests`, 68 of them), run against our
// client's endpoint resolution, with the official client as a control that the cases are read right.
// Each case runs twice: straight through the client's endpointProvider with the case's parameters, and
// end to end, as the client configuration a user would write, checking where the request really goes.
import { CaptureHandler, clientOf, isolateFromAwsEnvironment, ok } from "./capture";
import { official, ours, type KmsModule } from "./clients";
import { endpointTestCases, type EndpointTestCase } from "./model";

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = isolateFromAwsEnvironment();
});
afterAll(() => restoreEnv());

const clients: [string, KmsModule][] = [
  ["ours", ours],
  ["official (control)", official],
];

test("the model has the 68 endpoint test cases", () => {
  expect(endpointTestCases).toHaveLength(68);
});

/** The endpoint (or the error message) a resolution produced, in the form the test case states it. */
function outcome(resolve: () => { url: URL; headers?: unknown; properties?: unknown }) {
  try {
    const { url, headers, properties } = resolve();
    return { url: url.href, headers: headers ?? {}, properties: properties ?? {} };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function expected(c: EndpointTestCase) {
  if (c.expect.error !== undefined) return { error: c.expect.error };
  const e = c.expect.endpoint!;
  return { url: new URL(e.url).href, headers: e.headers ?? {}, properties: e.properties ?? {} };
}

describe.each(clients)("%s", (_, mod) => {
  test.each(endpointTestCases)("endpointProvider: $documentation", (c) => {
    const provider = clientOf(mod, new CaptureHandler(() => ok())).config.endpointProvider;
    expect(outcome(() => provider({ ...c.params }, {}))).toEqual(expected(c));
  });

  // End to end needs a region for signing; the cases without one are covered by the provider above.
  test.each(endpointTestCases.filter((c) => c.params?.Region !== undefined))("client config: $documentation", async (c) => {
    const params = c.params!;
    const handler = new CaptureHandler(() => ok({ Keys: [] }));
    const client = clientOf(mod, handler, {
      region: params.Region,
      useFipsEndpoint: params.UseFIPS ?? false,
      useDualstackEndpoint: params.UseDualStack ?? false,
      ...(params.Endpoint !== undefined ? { endpoint: params.Endpoint } : {}),
    });
    let got: { url: string } | { error: string };
    try {
      await client.send(new mod.ListKeysCommand({}));
      const r = handler.wire[0];
      got = { url: `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ""}${r.path}` };
    } catch (e) {
      got = { error: (e as Error).message };
    }
    const want = expected(c);
    expect(got).toEqual("error" in want ? { error: want.error } : { url: want.url });
  });

  test("AWS_ENDPOINT_URL_KMS sends requests to the configured endpoint", async () => {
    process.env.AWS_ENDPOINT_URL_KMS = "http://127.0.0.1:4566";
    try {
      const handler = new CaptureHandler(() => ok({ Keys: [] }));
      await clientOf(mod, handler).send(new mod.ListKeysCommand({}));
      expect(handler.wire[0]).toMatchObject({ protocol: "http:", hostname: "127.0.0.1", port: 4566, path: "/" });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_KMS;
    }
  });

  test("an explicit endpoint wins over AWS_ENDPOINT_URL_KMS", async () => {
    process.env.AWS_ENDPOINT_URL_KMS = "http://127.0.0.1:4566";
    try {
      const handler = new CaptureHandler(() => ok({ Keys: [] }));
      await clientOf(mod, handler, { endpoint: "http://127.0.0.1:9999/kms" }).send(new mod.ListKeysCommand({}));
      expect(handler.wire[0]).toMatchObject({ hostname: "127.0.0.1", port: 9999, path: "/kms/" });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_KMS;
    }
  });
});

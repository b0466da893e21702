// A model with only an endpoint rule set (as before smithy.rules#endpointBdd existed) gets a resolver that
// evaluates the rule set. Checked against the current model's own 68 endpoint test cases, with its BDD removed.
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "../src/pipeline";
import { CLIENT_PACKAGE, CURRENT_MODEL, PACKAGE, readModel, tempDir } from "./helpers";

const SERVICE = "com.amazonaws.kms#TrentService";

it("the rule-set resolver passes the model's 68 endpoint test cases", () => {
  const tmp = tempDir("ruleset");
  try {
    const model = readModel(CURRENT_MODEL);
    const traits = model.shapes[SERVICE]!.traits!;
    const cases = (traits["smithy.rules#endpointTests"] as any).testCases as any[];
    delete traits["smithy.rules#endpointBdd"];
    const modelPath = join(tmp.dir, "kms-ruleset-only.json");
    writeFileSync(modelPath, JSON.stringify(model));
    const out = join(tmp.dir, "client-kms");
    generate(modelPath, out, PACKAGE);
    symlinkSync(join(CLIENT_PACKAGE, "node_modules"), join(out, "node_modules"), "dir");
    const { defaultEndpointResolver } = require(join(out, "src", "endpoint", "endpointResolver.ts"));

    expect(cases).toHaveLength(68);
    for (const { params = {}, expect: expected, documentation } of cases) {
      let got: string;
      try {
        got = defaultEndpointResolver(params).url.href;
      } catch (e) {
        got = `error: ${(e as Error).message}`;
      }
      const want = expected.error !== undefined ? `error: ${expected.error}` : new URL(expected.endpoint.url).href;
      expect([documentation, got]).toEqual([documentation, want]);
    }
  } finally {
    tmp.cleanup();
  }
});

// KmsLocal.start checks the options a library caller gives before it listens.
import { KmsLocal } from "../src/server";
import { KmsLocalConfigError } from "../src/errors";

test("a body size limit that is not a positive integer is refused (NaN let any body through)", async () => {
  for (const maxBodyBytes of [Number.NaN, "1024" as unknown as number, 0, -1, 1.5, Infinity]) {
    await expect(KmsLocal.start({ maxBodyBytes })).rejects.toBeInstanceOf(KmsLocalConfigError);
  }
  const local = await KmsLocal.start({ maxBodyBytes: 1024 });
  await local.close();
});

test("each error is a class of its own with a stable code, name and HTTP status", async () => {
  const errors = await import("../src/errors");
  const { KmsError } = errors;
  const classes = Object.entries(errors).filter(([name, value]) => typeof value === "function" && name !== "KmsError" && name !== "KmsLocalConfigError");
  expect(classes.length).toBeGreaterThan(20);
  for (const [name, Class] of classes) {
    const e = new (Class as new (message: string) => Error & { code: string; status: number })("m");
    expect({ name, isKmsError: e instanceof KmsError, code: e.code, errorName: e.name, own: e.constructor === Class }).toEqual({ name, isKmsError: true, code: name, errorName: name, own: true });
    const expected = name === "KMSInternalException" ? 500 : name === "MissingAuthenticationTokenException" ? 403 : name === "DryRunOperationException" ? 412 : 400;
    expect({ name, status: e.status }).toEqual({ name, status: expected });
  }
});

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

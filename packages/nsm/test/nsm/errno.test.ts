import { constants } from "node:os";
import { errnoError } from "../../src/nsm/errno";

test.each([
  ["ENOENT", "NSM_NOT_IN_ENCLAVE"],
  ["EACCES", "NSM_PERMISSION_DENIED"],
  ["EPERM", "NSM_PERMISSION_DENIED"],
  ["ENOTTY", "NSM_NOT_NSM_DEVICE"],
  ["EMSGSIZE", "NSM_MESSAGE_SIZE"],
  ["ETIMEDOUT", "NSM_TIMEOUT"],
  ["EIO", "NSM_DEVICE_ERROR"],
  ["EFAULT", "NSM_DEVICE_ERROR"],
])("%s becomes %s", (name, code) => {
  const n = (constants.errno as Record<string, number>)[name]!;
  const e = errnoError("ioctl on /dev/nsm", name, n);
  expect(e).toMatchObject({ code, errno: name, errnoNumber: n });
  expect(e.message).toContain("ioctl on /dev/nsm");
});

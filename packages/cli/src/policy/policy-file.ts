// A key policy document read from a file, for lint and simulate.
import { readTextFile } from "../input-file.js";

/** Far above KMS's 32 KiB quota (which the parser reports), low enough that a wrong path fails fast. */
const MAX_POLICY_FILE_BYTES = 1024 * 1024;

export const readPolicyFile = (file: string) => readTextFile(file, MAX_POLICY_FILE_BYTES, "a key policy");

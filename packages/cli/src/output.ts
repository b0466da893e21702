// How commands print results: kmstool_enclave_cli's `NAME: value` lines (PLAINTEXT, CIPHERTEXT, ...), or
// with --json one JSON document.

/** One `NAME: value` line per field, in order. */
export const fieldLines = (fields: ReadonlyArray<readonly [string, string]>) => fields.map(([name, value]) => `${name}: ${value}\n`).join("");

export const jsonText = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export const JSON_HELP = "  --json                      print the result as one JSON document\n";

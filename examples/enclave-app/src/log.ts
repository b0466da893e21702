// One line per event on stderr, prefixed with the app's name. Callers log what happened (start-up steps,
// refusals by error code), never a record, a key, a credential or a request body.
export type Log = (line: string) => void;

export const stderrLog: Log = (line) => {
  process.stderr.write(`enclave-app: ${line}\n`);
};

// Credentials handed in by the parent instance, which has an instance role where the enclave has none:
// the JSON of credential-json.ts on a stream (stdin by default) or in a file, never on the command line
// (argv is readable by every process on the machine, and lives in shell histories and logs).
//
// On a stream, each line is one credentials document, and each replaces the one before: the parent sends
// fresh credentials before the current ones expire, and calls go on working. A call made after the latest
// credentials expired waits for the next line (at most `waitMs`). A file is read again whenever the
// credentials it gave are about to expire, so the parent rewrites it in place (write a temporary file,
// then rename it over the old one).
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { CredentialsError, EnclaveOptionsError, ParentCredentialsError } from "../errors.js";
import { copyCredentials, parseCredentialsJson } from "./credential-json.js";
import { DEFAULT_REFRESH_MARGIN_MS, refreshBeforeExpiry } from "./refresh.js";

/** A credentials document is well under this; a longer line is refused, not buffered. */
const MAX_LINE_BYTES = 16 * 1024;

function parseDocument(text: string, source: string): AwsCredentialIdentity {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ParentCredentialsError(`${source}: not JSON`);
  }
  const credentials = parseCredentialsJson(json);
  if (typeof credentials === "string") throw new ParentCredentialsError(`${source}: ${credentials}`);
  return credentials;
}

const expired = (c: AwsCredentialIdentity, now: number) => c.expiration !== undefined && c.expiration.getTime() <= now;

export interface ParentStreamOptions {
  /** How long a call waits for the parent's next credentials once the latest have expired (default 30 000 ms). */
  waitMs?: number;
}

/** Credentials from newline-delimited JSON documents on `stream` (default: process.stdin). */
export function fromParentStream(stream: Readable = process.stdin, options: ParentStreamOptions = {}): AwsCredentialIdentityProvider {
  const waitMs = options.waitMs ?? 30_000;
  if (!Number.isInteger(waitMs) || waitMs < 0) throw new EnclaveOptionsError("waitMs must be a non-negative integer");
  const source = "credentials from the parent (stream)";
  let latest: AwsCredentialIdentity | undefined;
  let problem: Error | undefined;
  let ended = false;
  let pending = Buffer.alloc(0);
  let discarding = false; // inside a line that is over the limit
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  const refable = stream as Readable & { ref?: () => void; unref?: () => void };

  const take = (line: Buffer) => {
    const text = line.toString("utf8").trim();
    if (text === "") return;
    try {
      latest = parseDocument(text, source);
      problem = undefined;
    } catch (error) {
      problem = error as Error; // the previous credentials stay; the parent may send good ones next
    }
    wake();
  };
  stream.on("data", (chunk: Buffer | string) => {
    let data = Buffer.concat([pending, typeof chunk === "string" ? Buffer.from(chunk) : chunk]);
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10)) {
      if (!discarding) take(data.subarray(0, nl));
      discarding = false;
      data = data.subarray(nl + 1);
    }
    if (data.length > MAX_LINE_BYTES) {
      discarding = true;
      problem = new ParentCredentialsError(`${source}: a line longer than ${MAX_LINE_BYTES} bytes`);
      data = Buffer.alloc(0);
      wake();
    }
    pending = Buffer.from(data);
  });
  const finish = () => {
    if (!discarding && pending.length) take(pending);
    pending = Buffer.alloc(0);
    ended = true;
    wake();
  };
  stream.once("end", finish);
  stream.once("error", (error) => {
    problem = new CredentialsError(`${source}: the stream failed`, { cause: error });
    finish();
  });
  refable.unref?.(); // waiting for the parent's next credentials keeps the process alive only while a call waits

  return async () => {
    const usable = () => latest !== undefined && !expired(latest, Date.now());
    // Wait only when nothing is wrong yet: the latest line was good but has expired, or none came so far.
    if (!usable() && !ended && !problem) {
      refable.ref?.();
      try {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, waitMs);
          function done() {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
          function check() {
            done(); // any new line (or the end) decides
          }
          waiters.add(check);
        });
      } finally {
        refable.unref?.();
      }
    }
    if (latest !== undefined && !expired(latest, Date.now())) return copyCredentials(latest);
    if (problem) throw problem;
    throw new CredentialsError(
      latest ? `${source}: the credentials expired and no new ones arrived${ended ? " (the stream ended)" : ` within ${waitMs} ms`}` : `${source}: none arrived${ended ? " (the stream ended)" : ` within ${waitMs} ms`}`,
    );
  };
}

/** Credentials from a JSON file the parent (re)writes; read again `refreshMarginMs` before they expire. */
export function fromParentFile(path: string, options: { refreshMarginMs?: number } = {}): AwsCredentialIdentityProvider {
  if (typeof path !== "string" || path.length === 0 || path.includes("\0")) throw new EnclaveOptionsError("the credentials file must be a path");
  const source = `credentials from the parent (${path})`;
  return refreshBeforeExpiry(async () => {
    let text: string;
    try {
      const bytes = readFileSync(path);
      if (bytes.length > MAX_LINE_BYTES) throw new ParentCredentialsError(`${source}: larger than ${MAX_LINE_BYTES} bytes`);
      text = bytes.toString("utf8");
    } catch (error) {
      if (error instanceof ParentCredentialsError) throw error;
      throw new CredentialsError(`${source}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"})`, { cause: error });
    }
    const credentials = parseDocument(text, source);
    if (expired(credentials, Date.now())) throw new CredentialsError(`${source}: the credentials in the file have expired`);
    return credentials;
  }, options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS);
}

// The app's HTTP API, on loopback only (under Enclaver, its ingress forwards to it inside the enclave):
//   PUT /records/<name>   body: the record (at most 1 MiB)  -> 204, sealed and kept
//   GET /records/<name>                                     -> 200, the record
//   GET /healthz                                            -> 200 {"status":"ok"}
// Errors are JSON, {"error": "<code>", "message": "..."}; a failure the caller did not cause is a 500 whose
// message says nothing more than its code. Requests are not logged (their paths name records); failures
// are, by code.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { AppError, BadRecordNameError, RecordNotFoundError, RecordTooLargeError, RecordUnreadableError } from "./errors.js";
import type { Log } from "./log.js";
import { MAX_RECORD_BYTES, checkRecordName, type RecordStore } from "./record-store.js";

const RECORD_PATH = /^\/records\/([^/?#]*)$/;
const STATUS = new Map<string, number>([
  [BadRecordNameError.code, 400],
  [RecordNotFoundError.code, 404],
  [RecordTooLargeError.code, 413],
]);

export function createApiServer(store: RecordStore, log: Log): Server {
  const server = createServer((request, response) => {
    handle(store, request, response).catch((error: unknown) => fail(response, error, log));
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}

async function handle(store: RecordStore, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? "").split("?")[0];
  if (path === "/healthz") {
    if (request.method !== "GET") return answer(response, 405, { error: "APP_METHOD_NOT_ALLOWED", message: "use GET" }, { allow: "GET" });
    return answer(response, 200, { status: "ok" });
  }
  const match = RECORD_PATH.exec(path);
  if (!match) return answer(response, 404, { error: "APP_NOT_FOUND", message: "no such resource" });
  const name = match[1];
  checkRecordName(name);
  if (request.method === "PUT") {
    store.put(name, await readBody(request));
    response.writeHead(204).end();
  } else if (request.method === "GET") {
    const record = store.get(name);
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": record.length, "cache-control": "no-store" }).end(record);
  } else {
    answer(response, 405, { error: "APP_METHOD_NOT_ALLOWED", message: "use GET or PUT" }, { allow: "GET, PUT" });
  }
}

/** The request body, refused once it passes MAX_RECORD_BYTES (without reading the rest). */
async function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (declared > MAX_RECORD_BYTES) throw new RecordTooLargeError(`a record may hold at most ${MAX_RECORD_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_RECORD_BYTES) throw new RecordTooLargeError(`a record may hold at most ${MAX_RECORD_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function fail(response: ServerResponse, error: unknown, log: Log): void {
  const code = error instanceof AppError ? error.code : "APP_INTERNAL_ERROR";
  const status = STATUS.get(code) ?? 500;
  if (status === 500) log(`request failed: ${code}${detail(error)}`);
  if (response.headersSent) return void response.destroy();
  const message = status === 500 && !(error instanceof RecordUnreadableError) ? "the request could not be completed" : (error as Error).message;
  // A refused upload is not read further: close the connection rather than drain it.
  answer(response, status, { error: code, message }, status === 413 ? { connection: "close" } : {});
}

/** What the log may say of a failure: an AppError's message (which never holds a record or a key), else only its class. */
function detail(error: unknown): string {
  if (error instanceof RecordUnreadableError) return "";
  if (error instanceof AppError) return ` (${error.message})`;
  return ` (${error instanceof Error ? error.name : typeof error})`;
}

function answer(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers }).end(text);
}

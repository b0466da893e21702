// A stand-in for whoever relays an enclave's traffic to KMS (the parent instance, a proxy): a loopback HTTP
// server that forwards each request to kms-local unchanged and may rewrite the JSON of each answer.
import { createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type Rewrite = (answer: Record<string, unknown>, target: string) => Record<string, unknown>;

export interface Relay {
  endpoint: string;
  /** The X-Amz-Target of every request forwarded so far, e.g. "TrentService.Decrypt". */
  forwarded: string[];
  /** Applied to every successful JSON answer; identity by default. */
  rewrite: Rewrite;
  close(): Promise<void>;
}

const readAll = (stream: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });

export async function startRelay(target: string): Promise<Relay> {
  const upstream = new URL(target);
  const relay: Relay = { endpoint: "", forwarded: [], rewrite: (answer) => answer, close: async () => undefined };
  const server = createServer(async (req, res) => {
    try {
      const body = await readAll(req);
      const operation = String(req.headers["x-amz-target"] ?? "");
      relay.forwarded.push(operation);
      const answer = await new Promise<IncomingMessage>((resolve, reject) => {
        const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: false }, resolve);
        out.on("error", reject);
        out.end(body);
      });
      let payload = await readAll(answer);
      const headers = { ...answer.headers };
      if (answer.statusCode === 200 && payload.length > 0) {
        payload = Buffer.from(JSON.stringify(relay.rewrite(JSON.parse(payload.toString("utf8")), operation)));
        headers["content-length"] = String(payload.length);
      }
      res.writeHead(answer.statusCode ?? 502, headers);
      res.end(payload);
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  relay.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  relay.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return relay;
}

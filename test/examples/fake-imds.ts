// A fake EC2 instance metadata service (IMDSv2, tokens required, as with HttpTokens=required) on loopback,
// handing out one role's credentials: what the enclave's parent instance offers at 169.254.169.254. It
// records every request, so a test can tell that the credentials came from here, with a token.
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ImdsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export class FakeImds {
  readonly requests: { method: string; path: string; withToken: boolean }[] = [];
  readonly #server: Server;
  readonly #tokens = new Set<string>();

  private constructor(role: string, keys: ImdsCredentials) {
    this.#server = createServer((req, res) => {
      const path = req.url ?? "";
      const token = req.headers["x-aws-ec2-metadata-token"];
      const withToken = typeof token === "string" && this.#tokens.has(token);
      this.requests.push({ method: req.method ?? "", path, withToken });
      const send = (status: number, body: string) => res.writeHead(status, { "content-type": "text/plain" }).end(body);
      if (req.method === "PUT" && path === "/latest/api/token") {
        if (!req.headers["x-aws-ec2-metadata-token-ttl-seconds"]) return send(400, "");
        const issued = randomBytes(16).toString("hex");
        this.#tokens.add(issued);
        return send(200, issued);
      }
      if (!withToken) return send(401, "");
      if (path === "/latest/meta-data/iam/security-credentials/") return send(200, role);
      if (path === `/latest/meta-data/iam/security-credentials/${role}`) {
        const now = Date.now();
        return send(200, JSON.stringify({
          Code: "Success", Type: "AWS-HMAC", LastUpdated: new Date(now).toISOString(), Expiration: new Date(now + 3_600_000).toISOString(),
          AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey, Token: keys.sessionToken,
        }));
      }
      send(404, "");
    });
  }

  static async start(role: string, keys: ImdsCredentials): Promise<FakeImds> {
    const imds = new FakeImds(role, keys);
    imds.#server.listen(0, "127.0.0.1");
    await once(imds.#server, "listening");
    return imds;
  }

  /** "127.0.0.1:<port>" */
  get address(): string {
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

// A throwaway npm registry on 127.0.0.1, so that the swap-in forms that name a published package
// (`npm:@nitro-enclaves-sdk/client-kms@...`) can be installed for real by pnpm and npm with no network.
// It "publishes" our package from a tarball made by `pnpm pack`, and every other package from the
// copies the workspace install already holds in node_modules/.pnpm (packed on first request), so an
// install can only succeed if every dependency resolves from what the workspace itself installed.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

interface Version {
  manifest: Record<string, unknown>;
  /** Where the package's files are (packed on demand), or its tarball's bytes once made. */
  dir?: string;
  tarball?: Buffer;
}

export interface LocalRegistry {
  url: string;
  /** Package names that installs asked for, to show what was really served. */
  requested: Set<string>;
  close(): Promise<void>;
}

/** Indexes every package in a pnpm virtual store (`node_modules/.pnpm`) by name and version. */
function indexVirtualStore(virtualStore: string, into: Map<string, Map<string, Version>>) {
  for (const entry of readdirSync(virtualStore)) {
    const nm = join(virtualStore, entry, "node_modules");
    if (!existsSync(nm)) continue;
    for (const first of readdirSync(nm)) {
      const candidates = first.startsWith("@") ? readdirSync(join(nm, first)).map((n) => join(nm, first, n)) : [join(nm, first)];
      for (const dir of candidates) {
        // Real directories are the entry's own package; symlinks are its dependencies.
        if (lstatSync(dir).isSymbolicLink() || !existsSync(join(dir, "package.json"))) continue;
        const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
        if (!manifest.name || !manifest.version) continue;
        const versions = into.get(manifest.name) ?? new Map<string, Version>();
        if (!versions.has(manifest.version)) versions.set(manifest.version, { manifest, dir });
        into.set(manifest.name, versions);
      }
    }
  }
}

function packDir(dir: string): Buffer {
  // npm and pnpm expect every file under a top-level "package/" folder.
  return execFileSync("tar", ["-czf", "-", "--hard-dereference", "--owner=0", "--group=0", "--numeric-owner", "--exclude=./node_modules", "--transform", "s,^\\.,package,", "-C", dir, "."], {
    maxBuffer: 256 * 2 ** 20,
  });
}

function tarballOf(v: Version): Buffer {
  v.tarball ??= packDir(v.dir!);
  return v.tarball;
}

/**
 * Starts the registry. `virtualStores` are pnpm virtual stores (the workspace's node_modules/.pnpm); `published` are tarballs
 * (from `pnpm pack`) that stand for packages published to it, winning over the store's copies.
 */
export async function startLocalRegistry(virtualStores: string[], published: string[]): Promise<LocalRegistry> {
  const packages = new Map<string, Map<string, Version>>();
  for (const store of virtualStores) indexVirtualStore(store, packages);
  for (const file of published) {
    const tarball = readFileSync(file);
    const manifest = JSON.parse(execFileSync("tar", ["-xzOf", file, "package/package.json"], { encoding: "utf8" }));
    packages.set(manifest.name, new Map([[manifest.version, { manifest, tarball }]]));
  }

  const requested = new Set<string>();
  let base = "";
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]).replace(/^\/+/, "");
    const tarballAt = path.indexOf("/-/");
    const name = tarballAt >= 0 ? path.slice(0, tarballAt) : path;
    const versions = packages.get(name);
    if (!versions) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
      return;
    }
    requested.add(name);
    if (tarballAt >= 0) {
      const file = path.slice(tarballAt + 3);
      const version = file.slice(name.split("/").at(-1)!.length + 1, -".tgz".length);
      const v = versions.get(version);
      if (!v) return void res.writeHead(404).end();
      const body = tarballOf(v);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length }).end(body);
      return;
    }
    const packument = {
      name,
      "dist-tags": { latest: [...versions.keys()].sort(compareVersions).at(-1) },
      versions: Object.fromEntries(
        [...versions].map(([version, v]) => {
          const tarball = tarballOf(v);
          const file = `${name.split("/").at(-1)}-${version}.tgz`;
          const dist = {
            tarball: `${base}/${name}/-/${file}`,
            shasum: createHash("sha1").update(tarball).digest("hex"),
            integrity: `sha512-${createHash("sha512").update(tarball).digest("base64")}`,
          };
          return [version, { ...v.manifest, _id: `${name}@${version}`, dist }];
        }),
      ),
    };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    requested,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pb = b.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    if (pa[i] === undefined) return 1; // 1.0.0 > 1.0.0-rc
    if (pb[i] === undefined) return -1;
    return pa[i] < pb[i] ? -1 : 1;
  }
  return 0;
}

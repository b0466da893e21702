// A throwaway certificate authority and a server certificate it signed, made by the openssl CLI (an
// authority independent of the code under test): for kms-local over TLS, proxies and tunnels in tests and
// benchmarks. CommonJS so that the benchmarks (plain Node) and the tests (jest) share it.
"use strict";
const { execFileSync } = require("node:child_process");
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { isIP } = require("node:net");

/**
 * @param {string[]} names the server certificate's subjectAltName entries: DNS names or IP addresses
 * @returns {{ caPem: string, certPem: string, keyPem: string }}
 */
function createTestCa(names = ["localhost", "127.0.0.1"]) {
  const dir = mkdtempSync(join(tmpdir(), "test-ca-"));
  const openssl = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=nitro-enclaves-sdk test CA",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    const san = names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(",");
    writeFileSync(join(dir, "ext.cnf"), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n`);
    openssl("req", "-new", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${names[0]}`);
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-out", "server.pem", "-extfile", "ext.cnf");
    const read = (f) => readFileSync(join(dir, f), "utf8");
    return { caPem: read("ca.pem"), certPem: read("server.pem"), keyPem: read("server.key") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { createTestCa };

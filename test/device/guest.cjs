// Runs inside the QEMU guest (see scripts/device-test/): every NSM operation through the nsm package's
// device transport against Linux's nsm driver and QEMU's virtio-nsm, checked against independent truth:
// node:crypto for PCR extension, the module id the host gave QEMU, QEMU's own virtio-nsm.c for sizes and
// error codes, and cbor-x (configured here, not the package's settings) for the raw COSE structure.
// One result line per check goes to stdout as `NSMT <json>` (the host reads it from the serial port).
"use strict";
const { createHash, randomBytes, generateKeyPairSync } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { Decoder, Encoder } = require("cbor-x");
const nsm = require("@nitro-enclaves-sdk/nsm");

const expect = JSON.parse(readFileSync(__dirname + "/expect.json", "utf8"));
const CHECK_TIMEOUT_MS = 30_000;
const PCR_COUNT = 32; // virtio-nsm.c: NSM_MAX_PCRS
const PCR_SIZE = 48; // SHA-384
const RANDOM_SIZE = 256; // virtio-nsm.c: NSM_RND_BUF_SIZE
const FREE_PCR = 16; // no other check touches it before the lock checks
const ZEROS_64 = new Uint8Array(64); // virtio-nsm.c signs nothing: certificate, cabundle[0] and signature are 64 zero bytes

let passed = 0;
let failed = 0;
const emit = (event) => process.stdout.write(`NSMT ${JSON.stringify(event)}\n`);

class CheckFailed extends Error {}
function assert(cond, message) {
  if (!cond) throw new CheckFailed(message);
}
const hex = (b) => Buffer.from(b).toString("hex");
const short = (b) => (b.length > 24 ? `${hex(b.subarray(0, 12))}…(${b.length} bytes)` : hex(b));
function bytesEqual(actual, expected, what) {
  assert(actual instanceof Uint8Array, `${what}: expected bytes, got ${describe(actual)}`);
  assert(Buffer.from(actual).equals(Buffer.from(expected)), `${what}: got ${short(actual)}, expected ${short(expected)}`);
}
function equal(actual, expected, what) {
  assert(Object.is(actual, expected), `${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}
function describe(v) {
  if (v instanceof Error) return `${v.constructor.name}${v.code ? `[${v.code}]` : ""}: ${v.message}`;
  if (v instanceof Uint8Array) return `bytes(${v.length})`;
  try {
    return JSON.stringify(v)?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
}
/** Resolves with the error if `promise` rejects with an instance of `ErrorClass`; fails otherwise. */
async function rejects(promiseOrFn, ErrorClass, what) {
  assert(typeof ErrorClass === "function", `${what}: the package exports no such error class`);
  let result;
  try {
    result = await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    assert(e instanceof ErrorClass, `${what}: expected ${ErrorClass.name}, got ${describe(e)}`);
    assert(e instanceof nsm.NitroEnclavesError && typeof e.code === "string", `${what}: not a NitroEnclavesError with a code`);
    return e;
  }
  throw new CheckFailed(`${what}: expected ${ErrorClass.name}, but it succeeded with ${describe(result)}`);
}

async function check(name, fn) {
  let timer;
  try {
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new CheckFailed(`no answer within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS);
    });
    const detail = await Promise.race([fn(), timeout]);
    passed++;
    emit({ type: "case", name, ok: true, detail: typeof detail === "string" ? detail : "" });
  } catch (e) {
    failed++;
    emit({ type: "case", name, ok: false, detail: e instanceof CheckFailed ? e.message : `threw ${describe(e)}` });
  } finally {
    clearTimeout(timer);
  }
}

const sha384 = (...parts) => new Uint8Array(createHash("sha384").update(Buffer.concat(parts.map((p) => Buffer.from(p)))).digest());

// Our own CBOR settings for raw requests and for reading documents, independent of the package's.
const rawEncoder = new Encoder({ useRecords: false, tagUint8Array: false, mapsAsObjects: false, variableMapSize: true });
const rawDecoder = new Decoder({ useRecords: false, mapsAsObjects: false, int64AsNumber: true });

/** Reads an attestation document's COSE_Sign1 and payload with plain cbor-x and checks QEMU's fixed fields. */
function rawDocument(doc) {
  assert(doc instanceof Uint8Array && doc.length > 0, `attestation returned ${describe(doc)}`);
  const cose = rawDecoder.decode(doc);
  assert(Array.isArray(cose) && cose.length === 4, `document is not a 4-element COSE_Sign1 array: ${describe(cose)}`);
  const [protectedHeader, unprotected, payloadBytes, signature] = cose;
  // virtio-nsm.c does not sign, and says so with alg -1 ({1: -1}) where a real NSM writes ES384 ({1: -35})
  bytesEqual(protectedHeader, Uint8Array.of(0xa1, 0x01, 0x20), "protected header (QEMU's alg -1)");
  assert(unprotected instanceof Map && unprotected.size === 0, "unprotected header is not an empty map");
  bytesEqual(signature, ZEROS_64, "signature (QEMU does not sign)");
  const payload = rawDecoder.decode(payloadBytes);
  assert(payload instanceof Map, "payload is not a map");
  return payload;
}

const field = (doc, camel, snake) => (camel in doc ? doc[camel] : doc[snake]);

/** Parses with our parseAttestation and compares it with the raw payload and what we expect. */
function parseAndCompare(doc, want) {
  const raw = rawDocument(doc);
  assert(typeof nsm.parseAttestation === "function", "the package exports no parseAttestation");
  const parsed = nsm.parseAttestation(doc);
  assert(parsed && typeof parsed === "object", `parseAttestation returned ${describe(parsed)}`);
  equal(parsed.alg, -1, "alg on the parsed document");
  equal(field(parsed, "moduleId", "module_id"), expect.moduleId, "module_id");
  equal(raw.get("module_id"), expect.moduleId, "raw module_id");
  equal(field(parsed, "digest", "digest"), "SHA384", "digest");
  const ts = field(parsed, "timestamp", "timestamp");
  const tsMs = ts instanceof Date ? ts.getTime() : ts;
  equal(tsMs, raw.get("timestamp"), "timestamp matches the raw payload");
  assert(Math.abs(tsMs - Date.now()) < 10 * 60_000, `timestamp ${tsMs} is not within 10 minutes of the guest clock ${Date.now()}`);
  const pcrs = field(parsed, "pcrs", "pcrs");
  assert(pcrs instanceof Map, `pcrs is ${describe(pcrs)}, expected a Map`);
  const rawPcrs = raw.get("pcrs");
  equal([...pcrs.keys()].sort((a, b) => a - b).join(","), [...rawPcrs.keys()].sort((a, b) => a - b).join(","), "PCR indexes");
  for (const [i, v] of rawPcrs) bytesEqual(pcrs.get(i), v, `PCR${i}`);
  if (want.pcrs) {
    equal([...pcrs.keys()].sort((a, b) => a - b).join(","), [...want.pcrs.keys()].sort((a, b) => a - b).join(","), "locked PCRs in the document");
    for (const [i, v] of want.pcrs) bytesEqual(pcrs.get(i), v, `document PCR${i} vs DescribePCR`);
  }
  bytesEqual(field(parsed, "certificate", "certificate"), ZEROS_64, "certificate (QEMU's placeholder)");
  const cabundle = field(parsed, "cabundle", "cabundle");
  assert(Array.isArray(cabundle) && cabundle.length === 1, `cabundle is ${describe(cabundle)}`);
  bytesEqual(cabundle[0], ZEROS_64, "cabundle[0]");
  for (const [camel, snake] of [["publicKey", "public_key"], ["userData", "user_data"], ["nonce", "nonce"]]) {
    const got = field(parsed, camel, snake);
    const rawValue = raw.get(snake);
    if (want[camel] == null) {
      equal(got, null, `${snake} (not sent)`);
      equal(rawValue, null, `raw ${snake} (not sent)`);
    } else {
      bytesEqual(got, want[camel], `${snake} echoed`);
      bytesEqual(rawValue, want[camel], `raw ${snake} echoed`);
    }
  }
  return parsed;
}

async function main() {
  const { DeviceTransport, NsmClient } = nsm;
  const transport = new DeviceTransport("/dev/nsm");
  const client = new NsmClient(transport);
  const pcrNow = new Map(); // index -> value as last read back

  await check(`The guest is the target the host chose: ${expect.arch}, node ${expect.node}`, async () => {
    equal(process.arch, expect.arch, "process.arch");
    equal(process.versions.node, expect.node, "node version");
  });

  await check("DescribeNSM: version 1.0.0, the module id given to QEMU, 32 PCRs, SHA384, none locked", async () => {
    const d = await client.describeNsm();
    equal(d.versionMajor, 1, "version_major");
    equal(d.versionMinor, 0, "version_minor");
    equal(d.versionPatch, 0, "version_patch");
    equal(d.moduleId, expect.moduleId, "module_id");
    equal(d.maxPcrs, PCR_COUNT, "max_pcrs");
    equal(d.digest, "SHA384", "digest");
    assert(Array.isArray(d.lockedPcrs) && d.lockedPcrs.length === 0, `locked_pcrs ${describe(d.lockedPcrs)}, expected []`);
    return d.moduleId;
  });

  await check("DescribePCR: all 32 PCRs start as 48 zero bytes, unlocked", async () => {
    for (let i = 0; i < PCR_COUNT; i++) {
      const p = await client.describePcr(i);
      equal(p.locked, false, `PCR${i} locked`);
      bytesEqual(p.data, new Uint8Array(PCR_SIZE), `PCR${i}`);
      pcrNow.set(i, p.data);
    }
  });

  await check("DescribePCR / ExtendPCR on index 32 fail with InvalidIndex", async () => {
    await rejects(() => client.describePcr(PCR_COUNT), nsm.NsmInvalidIndexError, "DescribePCR(32)");
    await rejects(() => client.extendPcr(PCR_COUNT, Uint8Array.of(1)), nsm.NsmInvalidIndexError, "ExtendPCR(32)");
  });

  await check("ExtendPCR: new value = SHA-384(old || data), chained, as DescribePCR reads it back", async () => {
    let expected = pcrNow.get(FREE_PCR);
    for (const data of [Buffer.from("nitro-enclaves-sdk device test"), Uint8Array.of(0), randomBytes(1000)]) {
      expected = sha384(expected, data);
      const got = await client.extendPcr(FREE_PCR, data);
      bytesEqual(got, expected, `ExtendPCR(${FREE_PCR}) with ${data.length} bytes`);
      const read = await client.describePcr(FREE_PCR);
      bytesEqual(read.data, expected, `DescribePCR(${FREE_PCR}) after extending`);
      equal(read.locked, false, "locked");
    }
    pcrNow.set(FREE_PCR, expected);
    return short(expected);
  });

  await check("LockPCR: the PCR reads locked and unchanged; ExtendPCR then fails with ReadOnlyIndex", async () => {
    await client.lockPcr(FREE_PCR);
    const read = await client.describePcr(FREE_PCR);
    equal(read.locked, true, `PCR${FREE_PCR} locked`);
    bytesEqual(read.data, pcrNow.get(FREE_PCR), `PCR${FREE_PCR} after locking`);
    await rejects(() => client.extendPcr(FREE_PCR, Uint8Array.of(1, 2, 3)), nsm.NsmReadOnlyIndexError, "ExtendPCR on a locked PCR");
    bytesEqual((await client.describePcr(FREE_PCR)).data, pcrNow.get(FREE_PCR), "PCR value after the refused extend");
    // virtio-nsm.c answers ReadOnlyIndex to locking a locked PCR too
    await rejects(() => client.lockPcr(FREE_PCR), nsm.NsmReadOnlyIndexError, "LockPCR on a locked PCR");
  });

  await check("LockPCRs(4): PCRs 0-3 locked (PCR3 keeps its extended value), PCR4 not; range 33 fails with InvalidIndex", async () => {
    const data = Buffer.from("pcr3 before LockPCRs");
    const pcr3 = sha384(pcrNow.get(3), data);
    bytesEqual(await client.extendPcr(3, data), pcr3, "ExtendPCR(3)");
    pcrNow.set(3, pcr3);
    await client.lockPcrs(4);
    for (let i = 0; i < 4; i++) {
      const p = await client.describePcr(i);
      equal(p.locked, true, `PCR${i} locked`);
      bytesEqual(p.data, pcrNow.get(i), `PCR${i}`);
    }
    equal((await client.describePcr(4)).locked, false, "PCR4 locked");
    await rejects(() => client.extendPcr(2, Uint8Array.of(9)), nsm.NsmReadOnlyIndexError, "ExtendPCR(2) after LockPCRs");
    await rejects(() => client.lockPcrs(PCR_COUNT + 1), nsm.NsmInvalidIndexError, "LockPCRs(33)");
    const d = await client.describeNsm();
    equal([...d.lockedPcrs].sort((a, b) => a - b).join(","), `0,1,2,3,${FREE_PCR}`, "DescribeNSM locked_pcrs");
  });

  await check("GetRandom: 256 bytes each call, calls differ, 8 concurrent calls all answered", async () => {
    const a = await client.getRandom();
    const b = await client.getRandom();
    equal(a.length, RANDOM_SIZE, "length");
    equal(b.length, RANDOM_SIZE, "length");
    assert(!Buffer.from(a).equals(Buffer.from(b)), "two GetRandom answers are equal");
    assert(a.some((x) => x !== 0), "GetRandom answered zeros");
    const many = await Promise.all(Array.from({ length: 8 }, () => client.getRandom()));
    const distinct = new Set(many.map(hex));
    equal(distinct.size, 8, "distinct answers among 8 concurrent calls");
  });

  const lockedPcrs = () => new Map([0, 1, 2, 3, FREE_PCR].map((i) => [i, pcrNow.get(i)]));
  // any bytes do (the NSM does not parse public_key); an EC key is quick to make under TCG, the handle makes the RSA one
  const spki = generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey.export({ type: "spki", format: "der" });
  const cases = [
    ["no public_key, user_data or nonce", {}],
    ["public_key only (a P-384 SubjectPublicKeyInfo)", { publicKey: new Uint8Array(spki) }],
    ["user_data only (512 bytes)", { userData: randomBytes(512) }],
    ["nonce only (32 bytes)", { nonce: randomBytes(32) }],
    ["public_key, user_data and nonce (1024 bytes each)", { publicKey: randomBytes(1024), userData: randomBytes(1024), nonce: randomBytes(1024) }],
  ];
  for (const [label, request] of cases) {
    await check(`Attestation with ${label}: fields echoed exactly, parsed by parseAttestation`, async () => {
      const doc = await client.attestation(request);
      parseAndCompare(doc, { ...request, pcrs: lockedPcrs() });
      return `${doc.length}-byte document`;
    });
  }

  await check("verifyAttestation refuses QEMU's unsigned document with UnsupportedAlgorithmError", async () => {
    const doc = await client.attestation({ nonce: randomBytes(16) });
    await rejects(() => nsm.verifyAttestation(doc, { at: "document" }), nsm.UnsupportedAlgorithmError, "verifyAttestation");
  });

  await check("Oversize requests: InputTooLarge before the ioctl, and the device still answers", async () => {
    await rejects(() => transport.request(new Uint8Array(4097)), nsm.NsmInputTooLargeError, "a 4097-byte raw request");
    await rejects(() => client.extendPcr(20, new Uint8Array(5000)), nsm.NsmInputTooLargeError, "ExtendPCR with 5000 bytes");
    await rejects(() => client.attestation({ userData: new Uint8Array(4096) }), nsm.NsmInputTooLargeError, "Attestation with 4096 bytes of user_data");
    equal((await client.describeNsm()).moduleId, expect.moduleId, "DescribeNSM after the refusals");
  });

  await check("Raw requests the NSM does not understand come back as {Error: InvalidOperation}", async () => {
    for (const [what, bytes] of [
      ["an unknown request name", rawEncoder.encode("NoSuchRequest")],
      ["bytes that are not CBOR", Uint8Array.of(0xff, 0xff, 0xff)],
    ]) {
      const answer = rawDecoder.decode(await transport.request(bytes));
      assert(answer instanceof Map && answer.get("Error") === "InvalidOperation", `${what}: got ${describe(answer)}`);
    }
    const ok = rawDecoder.decode(await transport.request(rawEncoder.encode("DescribeNSM")));
    equal(ok.get("DescribeNSM")?.get("module_id"), expect.moduleId, "raw DescribeNSM module_id");
  });

  await check("Device errors are typed: missing path ENOENT, /dev/null ENOTTY, closed transport", async () => {
    const missing = new DeviceTransport("/dev/no-such-nsm");
    await rejects(() => missing.request(rawEncoder.encode("DescribeNSM")), nsm.NsmNotInEnclaveError, "open of a missing device");
    const devNull = new DeviceTransport("/dev/null");
    await rejects(() => devNull.request(rawEncoder.encode("DescribeNSM")), nsm.NsmNotNsmDeviceError, "ioctl on /dev/null");
    devNull.close();
    const closing = new DeviceTransport("/dev/nsm");
    await closing.request(rawEncoder.encode("GetRandom"));
    closing.close();
    await rejects(() => closing.request(rawEncoder.encode("GetRandom")), nsm.NsmClosedError, "request after close()");
  });

  await check("getOrInitializeHandle on the device: one handle, attest() carries its public key and the nonce", async () => {
    assert(typeof nsm.getOrInitializeHandle === "function", "the package exports no getOrInitializeHandle");
    const [h1, h2] = await Promise.all([nsm.getOrInitializeHandle(), nsm.getOrInitializeHandle()]);
    assert(h1 === h2 && h1 === (await nsm.getOrInitializeHandle()), "getOrInitializeHandle returned different handles");
    assert(h1.publicKey instanceof Uint8Array && h1.publicKey.length > 200, `handle.publicKey is ${describe(h1.publicKey)}`);
    const nonce = randomBytes(40);
    const doc = await h1.attest({ nonce });
    parseAndCompare(doc, { nonce, publicKey: h1.publicKey, pcrs: lockedPcrs() });
    const userData = randomBytes(100);
    parseAndCompare(await h1.attest({ userData, noPublicKey: true }), { userData, pcrs: lockedPcrs() });
    const r = await h1.getRandom(64);
    equal(r.length, 64, "handle.getRandom(64) length");
    return `${h1.publicKey.length}-byte public key`;
  });

  await check("The ESM build reaches the device too (import() of the package)", async () => {
    const esm = await import("@nitro-enclaves-sdk/nsm");
    assert(esm.DeviceTransport !== nsm.DeviceTransport, "import() returned the CommonJS build");
    const esmClient = new esm.NsmClient(new esm.DeviceTransport());
    try {
      equal((await esmClient.describeNsm()).moduleId, expect.moduleId, "module_id through the ESM build");
    } finally {
      esmClient.close();
    }
  });

  // The enclave package on this kernel: vsock loopback, /dev/random, /dev/nsm (test/device/egress-guest.cjs).
  await require("./egress-guest.cjs").run({ check, assert, rejects, describe });
  // nitro-kms as an enclave's script runs it: /dev/nsm, entropy, vsock (test/device/cli-guest.cjs).
  await require("./cli-guest.cjs").run({ check, assert, describe });

  client.close();
  emit({ type: "done", passed, failed });
  // Exit even if a stuck ioctl thread would keep node alive: the host is waiting for the reset.
  process.exit(0);
}

main().catch((e) => {
  emit({ type: "case", name: "guest script", ok: false, detail: `crashed: ${describe(e)}` });
  failed++;
  emit({ type: "done", passed, failed });
  process.exit(1);
});

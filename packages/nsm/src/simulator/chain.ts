// One simulated enclave host's certificate chain under the simulator root, shaped like AWS's:
// root -> regional (pathLen 2, 20 days) -> zonal (pathLen 1, 6 days) -> instance (pathLen 0, 1 day)
// -> a fresh 3-hour leaf (CA:FALSE, digitalSignature) for every attestation document.
// Intermediates are re-issued whenever the clock leaves the window a new leaf needs, so a simulator
// (or a CA loaded from disk) keeps working for as long as its root is valid.
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { issueCertificate, keyIdentifier, KeyUsage, type NameParts } from "./certificate.js";
import { SIMULATOR_ORGANIZATION, type SimulatorCa } from "./ca.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const LEAF_LIFETIME_MS = 3 * HOUR;

interface Issued {
  certificate: Uint8Array;
  key: KeyObject;
  keyId: Uint8Array;
  notBefore: number;
  notAfter: number;
}

interface Level {
  lifetime: number;
  pathLen: number;
  keyUsage: number[];
  subject: NameParts;
}

function newKey(): { privateKey: KeyObject; spki: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
  return { privateKey, spki: new Uint8Array(publicKey.export({ type: "spki", format: "der" })) };
}

export class SimulatedChain {
  readonly #ca: SimulatorCa;
  readonly #levels: Level[];
  readonly #issued: (Issued | undefined)[] = [];
  readonly #region: string;
  readonly #moduleId: string;

  constructor(ca: SimulatorCa, moduleId: string, region = "local-1") {
    this.#ca = ca;
    this.#region = region;
    this.#moduleId = moduleId;
    const instanceId = moduleId.split("-enc")[0]!;
    const ca3 = [KeyUsage.digitalSignature, KeyUsage.keyCertSign, KeyUsage.cRLSign];
    const org = SIMULATOR_ORGANIZATION;
    this.#levels = [
      { lifetime: 20 * DAY, pathLen: 2, keyUsage: ca3, subject: { ...org, CN: `${randomBytes(8).toString("hex")}.${region}.simulator.nitro-enclaves` } },
      { lifetime: 6 * DAY, pathLen: 1, keyUsage: ca3, subject: { ...org, CN: `${randomBytes(8).toString("hex")}.zonal.${region}.simulator.nitro-enclaves` } },
      { lifetime: DAY, pathLen: 0, keyUsage: [KeyUsage.keyCertSign], subject: { ...org, CN: `${instanceId}.${region}.simulator.nitro-enclaves` } },
    ];
  }

  /** Makes sure level `index` is valid over [from, to] and returns it (index -1 is the root). */
  #ensure(index: number, from: number, to: number): { certificate: Uint8Array; key: KeyObject; keyId: Uint8Array } {
    if (index < 0) return { certificate: this.#ca.certificate, key: this.#ca.signingKey, keyId: this.#ca.keyId };
    const current = this.#issued[index];
    if (current && current.notBefore <= from && to <= current.notAfter) return current;
    const level = this.#levels[index]!;
    const notBefore = from - HOUR;
    const notAfter = notBefore + level.lifetime;
    const parent = this.#ensure(index - 1, notBefore, notAfter);
    const { privateKey, spki } = newKey();
    const certificate = issueCertificate({
      subject: level.subject,
      issuer: parent.certificate,
      publicKey: spki,
      signingKey: parent.key,
      authorityKeyId: parent.keyId,
      notBefore: new Date(notBefore),
      notAfter: new Date(notAfter),
      caPathLen: level.pathLen,
      keyUsage: level.keyUsage,
      keyUsageCritical: true,
      subjectKeyId: true,
    });
    const issued = { certificate, key: privateKey, keyId: keyIdentifier(spki), notBefore, notAfter };
    this.#issued[index] = issued;
    // A new issuer invalidates everything below it.
    this.#issued.length = index + 1;
    return issued;
  }

  /** A new leaf valid for 3 hours from `now` (whole seconds), with the cabundle that leads to it. */
  issueLeaf(now: number): { certificate: Uint8Array; key: KeyObject; cabundle: Uint8Array[] } {
    const notBefore = Math.floor(now / 1000) * 1000;
    const notAfter = notBefore + LEAF_LIFETIME_MS;
    const instance = this.#ensure(this.#levels.length - 1, notBefore, notAfter);
    const { privateKey, spki } = newKey();
    const certificate = issueCertificate({
      subject: { C: "US", O: SIMULATOR_ORGANIZATION.O, OU: SIMULATOR_ORGANIZATION.OU, CN: `${this.#moduleId}.${this.#region}.simulator` },
      issuer: instance.certificate,
      publicKey: spki,
      signingKey: instance.key,
      notBefore: new Date(notBefore),
      notAfter: new Date(notAfter),
      caPathLen: undefined,
      keyUsage: [KeyUsage.digitalSignature, KeyUsage.nonRepudiation],
      keyUsageCritical: false,
      subjectKeyId: false,
    });
    const cabundle = [this.#ca.certificate, ...this.#issued.map((i) => i!.certificate)];
    return { certificate, key: privateKey, cabundle };
  }
}

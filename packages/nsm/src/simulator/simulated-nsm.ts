// A software Nitro Security Module, for local development and tests. Opt-in only: nothing in this
// package falls back to it when /dev/nsm is missing. It answers the same CBOR requests as the real
// NSM, keeps 32 SHA-384 PCRs (0-15 set at boot and locked), and signs attestation documents shaped
// like real ones with its own P-384 chain, so they verify against the simulator root and not AWS's.
import { createHash, randomBytes } from "node:crypto";
import { isBytes, isWellFormedText, ownOptions, pcrIndexFromText } from "../arguments.js";
import { NsmArgumentError, NsmClosedError, type NsmErrorCode } from "../errors.js";
import { decodeCbor, encodeCbor } from "../nsm/cbor.js";
import { NSM_REQUEST_MAX_SIZE, type NsmTransport } from "../nsm/transport.js";
import { encodePayload, signDocument } from "./attestation-document.js";
import { SimulatorCa } from "./ca.js";
import { SimulatedChain } from "./chain.js";
import { PcrBank, PCR_COUNT, PCR_SIZE } from "./pcr-bank.js";

/** The NSM's limit for each of user_data, nonce and public_key. */
export const ATTESTATION_FIELD_MAX_SIZE = 1024;
/** Bytes of entropy per GetRandom. */
export const GET_RANDOM_SIZE = 256;
const BOOT_PCRS = 16;

export interface SimulatedNsmOptions {
  /** The CA to sign with; default: a new one (see `ca.certificate` for the root to trust). */
  ca?: SimulatorCa;
  /** PCRs 0-15 at boot: 48 bytes or 96 hex characters each. Unset: PCR0-2 a fixed non-zero image measurement, the rest zero. */
  pcrs?: Record<number, Uint8Array | string>;
  /** Debug mode: PCR0, PCR1 and PCR2 read as zeros, as in a real enclave started with --debug-mode. */
  debug?: boolean;
  /** Default: a random id shaped like a real one, "i-<17 hex>-enc<16 hex>". */
  moduleId?: string;
  /** Write the payload as an indefinite-length map, as newer NSMs do (default true); false for a definite map. */
  indefiniteLengthPayload?: boolean;
  /** Milliseconds since the epoch (or a Date) for document timestamps and certificate validity; default Date.now. */
  clock?: () => number | Date;
  /** Region label used in certificate names; default "local-1". */
  region?: string;
}

class NsmFailure {
  constructor(readonly code: NsmErrorCode) {}
}

const SIMULATOR_OPTIONS = ["ca", "pcrs", "debug", "moduleId", "indefiniteLengthPayload", "clock", "region"] as const;
const argumentError = (message: string) => new NsmArgumentError(message);
/** Real module ids are 39 characters; longer ones would not fit the certificate size attestation documents allow. */
const MODULE_ID_MAX_BYTES = 128;
/** The clock's range: the certificates of a document must end before the year 10000 (GeneralizedTime). */
const LATEST_CLOCK_MS = Date.UTC(9999, 11, 1);

function isModuleId(value: unknown): boolean {
  // Text that is not well-formed UTF-16 (a lone surrogate) has no UTF-8 encoding to sign.
  return isWellFormedText(value) && value.length > 0 && Buffer.byteLength(value) <= MODULE_ID_MAX_BYTES;
}

/** options.pcrs: own properties "0" to "15" (canonical decimal), each 48 bytes or 96 hex digits. */
function readBootPcrs(given: unknown): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  if (given === undefined) return out;
  if (typeof given !== "object" || given === null || Array.isArray(given)) throw argumentError("options.pcrs must be an object");
  for (const key of Object.keys(given)) {
    const index = pcrIndexFromText(key);
    if (index < 0 || index >= BOOT_PCRS) throw argumentError(`options.pcrs: only PCRs 0-15 are set at boot, got ${JSON.stringify(key)}`);
    out.set(index, toPcrValue(index, (given as Record<string, unknown>)[key]));
  }
  return out;
}

function toPcrValue(index: number, value: unknown): Uint8Array {
  let bytes: Uint8Array | undefined;
  if (isBytes(value)) bytes = value;
  else if (typeof value === "string" && /^(?:[0-9a-fA-F]{2})*$/.test(value)) bytes = new Uint8Array(Buffer.from(value, "hex"));
  if (!bytes || bytes.length !== PCR_SIZE) {
    throw argumentError(`pcrs[${index}] must be ${PCR_SIZE} bytes (a Uint8Array or ${PCR_SIZE * 2} hex characters)`);
  }
  return Uint8Array.from(bytes);
}

function field(body: unknown, key: string): unknown {
  if (!(body instanceof Map)) throw new NsmFailure("InvalidArgument");
  return body.get(key);
}

function u16(body: unknown, key: string): number {
  const v = field(body, key);
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffff) throw new NsmFailure("InvalidArgument");
  return v;
}

function optionalBytes(body: unknown, key: string): Uint8Array | null {
  const v = field(body, key);
  if (v === undefined || v === null) return null;
  if (!(v instanceof Uint8Array)) throw new NsmFailure("InvalidArgument");
  if (v.length > ATTESTATION_FIELD_MAX_SIZE) throw new NsmFailure("InputTooLarge");
  return Uint8Array.from(v);
}

export class SimulatedNsm implements NsmTransport {
  readonly ca: SimulatorCa;
  readonly moduleId: string;
  readonly debug: boolean;
  readonly #pcrs = new PcrBank();
  readonly #chain: SimulatedChain;
  readonly #indefinite: boolean;
  readonly #clock: () => number | Date;
  #closed = false;

  constructor(options?: SimulatedNsmOptions) {
    const o = ownOptions(options, SIMULATOR_OPTIONS, argumentError, "SimulatedNsm options");
    if (o.ca !== undefined && !(o.ca instanceof SimulatorCa)) throw argumentError("options.ca must be a SimulatorCa");
    if (o.clock !== undefined && typeof o.clock !== "function") throw argumentError("options.clock must be a function");
    if (o.debug !== undefined && typeof o.debug !== "boolean") throw argumentError("options.debug must be a boolean");
    if (o.indefiniteLengthPayload !== undefined && typeof o.indefiniteLengthPayload !== "boolean") throw argumentError("options.indefiniteLengthPayload must be a boolean");
    if (o.moduleId !== undefined && !isModuleId(o.moduleId)) {
      throw argumentError(`options.moduleId must be well-formed text of 1 to ${MODULE_ID_MAX_BYTES} UTF-8 bytes`);
    }
    if (o.region !== undefined && (typeof o.region !== "string" || !/^[a-z0-9-]{1,32}$/.test(o.region))) {
      throw argumentError("options.region must be 1-32 characters of a-z, 0-9 and -");
    }
    const bootPcrs = readBootPcrs(o.pcrs);
    this.ca = (o.ca as SimulatorCa | undefined) ?? SimulatorCa.create();
    this.debug = o.debug === true;
    this.moduleId = (o.moduleId as string | undefined) ?? `i-${randomBytes(9).toString("hex").slice(0, 17)}-enc${randomBytes(8).toString("hex")}`;
    this.#indefinite = o.indefiniteLengthPayload !== false;
    this.#clock = (o.clock as (() => number | Date) | undefined) ?? Date.now;
    this.#chain = new SimulatedChain(this.ca, this.moduleId, o.region as string | undefined);

    for (const [index, value] of bootPcrs) this.#pcrs.set(index, value);
    for (let i = 0; i < BOOT_PCRS; i++) {
      if (i <= 2 && this.debug) this.#pcrs.set(i, new Uint8Array(PCR_SIZE));
      else if (i <= 2 && !bootPcrs.has(i)) {
        this.#pcrs.set(i, new Uint8Array(createHash("sha384").update(`nitro-enclaves-sdk simulated enclave image, PCR${i}`).digest()));
      }
      this.#pcrs.lock(i);
    }
  }

  /** The root certificate (DER) to trust for this simulator's documents. */
  get rootCertificate(): Uint8Array {
    return this.ca.certificate;
  }

  async request(request: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) throw new NsmClosedError();
    if (!isBytes(request)) throw argumentError("an NSM request must be a Uint8Array");
    let response: unknown;
    try {
      response = this.#handle(request);
    } catch (e) {
      if (!(e instanceof NsmFailure)) throw e;
      response = { Error: e.code };
    }
    return encodeCbor(response);
  }

  close(): void {
    this.#closed = true;
  }

  #handle(request: Uint8Array): unknown {
    if (request.length > NSM_REQUEST_MAX_SIZE) throw new NsmFailure("InputTooLarge");
    let decoded: unknown;
    try {
      decoded = decodeCbor(request);
    } catch {
      throw new NsmFailure("InvalidArgument");
    }
    let variant: unknown = decoded;
    let body: unknown = null;
    if (decoded instanceof Map && decoded.size === 1) [[variant, body]] = [...decoded];
    switch (variant) {
      case "DescribeNSM":
        return {
          DescribeNSM: {
            version_major: 1,
            version_minor: 0,
            version_patch: 0,
            module_id: this.moduleId,
            max_pcrs: PCR_COUNT,
            locked_pcrs: this.#pcrs.locked(),
            digest: "SHA384",
          },
        };
      case "GetRandom":
        return { GetRandom: { random: new Uint8Array(randomBytes(GET_RANDOM_SIZE)) } };
      case "DescribePCR": {
        const index = this.#index(u16(body, "index"));
        return { DescribePCR: { lock: this.#pcrs.isLocked(index), data: this.#pcrs.get(index) } };
      }
      case "ExtendPCR": {
        const index = this.#index(u16(body, "index"));
        const data = field(body, "data");
        if (!(data instanceof Uint8Array)) throw new NsmFailure("InvalidArgument");
        if (!this.#pcrs.extend(index, data)) throw new NsmFailure("ReadOnlyIndex");
        return { ExtendPCR: { data: this.#pcrs.get(index) } };
      }
      case "LockPCR":
        this.#pcrs.lock(this.#index(u16(body, "index")));
        return "LockPCR";
      case "LockPCRs": {
        const range = u16(body, "range");
        if (range > PCR_COUNT) throw new NsmFailure("InvalidIndex");
        for (let i = 0; i < range; i++) this.#pcrs.lock(i);
        return "LockPCRs";
      }
      case "Attestation":
        return { Attestation: { document: this.#attest(body) } };
      default:
        throw new NsmFailure("InvalidOperation");
    }
  }

  #index(index: number): number {
    if (!PcrBank.inRange(index)) throw new NsmFailure("InvalidIndex");
    return index;
  }

  #now(): number {
    // A clock that fails or says nothing usable is the NSM failing inside, as a real one would on a broken clock.
    let t: unknown;
    try {
      t = this.#clock();
    } catch {
      throw new NsmFailure("InternalError");
    }
    const ms = t instanceof Date ? t.getTime() : t;
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || ms > LATEST_CLOCK_MS) throw new NsmFailure("InternalError");
    return Math.floor(ms);
  }

  #attest(body: unknown): Uint8Array {
    if (!(body instanceof Map)) throw new NsmFailure("InvalidArgument");
    const userData = optionalBytes(body, "user_data");
    const nonce = optionalBytes(body, "nonce");
    const publicKey = optionalBytes(body, "public_key");
    const timestamp = this.#now();
    const leaf = this.#chain.issueLeaf(timestamp);
    // PCRs 0-15 always, like real documents; locked PCRs beyond 15 as well.
    const pcrs = new Map<number, Uint8Array>();
    for (let i = 0; i < PCR_COUNT; i++) if (i < BOOT_PCRS || this.#pcrs.isLocked(i)) pcrs.set(i, this.#pcrs.get(i));
    const payload = encodePayload(
      { moduleId: this.moduleId, timestamp, pcrs, certificate: leaf.certificate, cabundle: leaf.cabundle, publicKey, userData, nonce },
      this.#indefinite,
    );
    return signDocument(payload, leaf.key);
  }

  toJSON(): { moduleId: string; debug: boolean } {
    return { moduleId: this.moduleId, debug: this.debug };
  }
}

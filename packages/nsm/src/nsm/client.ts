// Every NSM operation, over any transport (the /dev/nsm device or the simulator).
import { isBytes, ownOptions } from "../arguments.js";
import { NsmArgumentError } from "../errors.js";
import { checkU16, encodeRequest, optionalBytes, requiredBytes, type NsmRequest } from "./requests.js";
import {
  decodeAttestation,
  decodeDescribeNsm,
  decodeDescribePcr,
  decodeExtendPcr,
  decodeGetRandom,
  decodeUnit,
  type NsmDescription,
  type PcrDescription,
} from "./responses.js";
import type { NsmTransport } from "./transport.js";

export interface AttestationRequest {
  /** Up to 1024 bytes signed into the document as `user_data`. */
  userData?: Uint8Array | null;
  /** Up to 1024 bytes signed into the document as `nonce`. */
  nonce?: Uint8Array | null;
  /** Up to 1024 bytes (the NSM does not parse them) signed into the document as `public_key`. */
  publicKey?: Uint8Array | null;
}

export class NsmClient {
  readonly transport: NsmTransport;

  constructor(transport: NsmTransport) {
    if (typeof transport !== "object" || transport === null || typeof transport.request !== "function") {
      throw new NsmArgumentError("NsmClient needs a transport with a request(bytes) method");
    }
    this.transport = transport;
  }

  async #send(request: NsmRequest): Promise<Uint8Array> {
    const response: unknown = await this.transport.request(encodeRequest(request));
    if (!isBytes(response)) throw new NsmArgumentError("the transport answered with something other than a Uint8Array");
    return response;
  }

  /** Version, module id, PCR count, locked PCRs and digest of the NSM. */
  async describeNsm(): Promise<NsmDescription> {
    return decodeDescribeNsm(await this.#send("DescribeNSM"));
  }

  /** The value of PCR `index` and whether it is locked. */
  async describePcr(index: number): Promise<PcrDescription> {
    return decodeDescribePcr(await this.#send({ DescribePCR: { index: checkU16("index", index) } }));
  }

  /** Extends PCR `index` with `data` (new = H(old || data)); resolves with the new value. */
  async extendPcr(index: number, data: Uint8Array): Promise<Uint8Array> {
    const request = { ExtendPCR: { index: checkU16("index", index), data: requiredBytes("data", data) } };
    return decodeExtendPcr(await this.#send(request));
  }

  /** Locks PCR `index` against further extension. */
  async lockPcr(index: number): Promise<void> {
    decodeUnit(await this.#send({ LockPCR: { index: checkU16("index", index) } }), "LockPCR");
  }

  /** Locks PCRs 0 .. range-1. */
  async lockPcrs(range: number): Promise<void> {
    decodeUnit(await this.#send({ LockPCRs: { range: checkU16("range", range) } }), "LockPCRs");
  }

  /** Entropy from the NSM (the NSM decides how many bytes; currently 256). */
  async getRandom(): Promise<Uint8Array> {
    return decodeGetRandom(await this.#send("GetRandom"));
  }

  /** A signed attestation document (COSE_Sign1 bytes). Unset fields are sent as null. */
  async attestation(request?: AttestationRequest): Promise<Uint8Array> {
    const { userData, nonce, publicKey } = ownOptions(request, ["userData", "nonce", "publicKey"], (message) => new NsmArgumentError(message), "attestation() options");
    const body = {
      user_data: optionalBytes("userData", userData),
      nonce: optionalBytes("nonce", nonce),
      public_key: optionalBytes("publicKey", publicKey),
    };
    return decodeAttestation(await this.#send({ Attestation: body }));
  }

  close(): void {
    this.transport.close?.();
  }
}

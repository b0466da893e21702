/**
 * How an NsmClient reaches a Nitro Security Module: one CBOR-encoded request in, one CBOR-encoded
 * response out. DeviceTransport talks to /dev/nsm; SimulatedNsm is a software NSM for local development.
 */
export interface NsmTransport {
  request(request: Uint8Array): Promise<Uint8Array>;
  close?(): void;
}

/** The NSM driver's limits (aws-nitro-enclaves-nsm-api, src/driver/mod.rs). */
export const NSM_REQUEST_MAX_SIZE = 0x1000;
export const NSM_RESPONSE_MAX_SIZE = 0x3000;

// The real NSM attestation documents in test/vectors/attestation, with the facts their README
// states (written out here by hand, so tests compare against them rather than against our parser).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const VECTORS = join(__dirname, "../../../../test/vectors");

export interface RealDocument {
  file: string;
  bytes: Buffer;
  timestamp: string;
  debug: boolean;
  pcrIndices: number[];
  publicKeyLength: number | null;
  userDataLength: number | null;
  nonceLength: number | null;
  indefiniteMap: boolean;
}

const table: Array<Omit<RealDocument, "bytes">> = [
  { file: "blocky_nitro_attestation.cose", timestamp: "2024-09-07T14:37:39.545Z", debug: false, pcrIndices: range(16), publicKeyLength: 1024, userDataLength: 1024, nonceLength: 1024, indefiniteMap: false },
  { file: "blocky_nitro_attestation_debug.cose", timestamp: "2024-09-07T14:38:06.508Z", debug: true, pcrIndices: range(16), publicKeyLength: 1024, userDataLength: 1024, nonceLength: 1024, indefiniteMap: false },
  { file: "capeprivacy_cape-js_isomorphic_attestation_2022-07-14.cose", timestamp: "2022-07-14T20:46:07.740Z", debug: true, pcrIndices: range(16), publicKeyLength: 32, userDataLength: null, nonceLength: 6, indefiniteMap: false },
  { file: "evervault_beta_valid-attestation-doc_2022-10-13.cose", timestamp: "2022-10-13T08:58:02.136Z", debug: false, pcrIndices: range(16), publicKeyLength: null, userDataLength: null, nonceLength: 256, indefiniteMap: false },
  { file: "real-nsm-attestation-2026-01-03-indefinite-map.cose", timestamp: "2026-01-03T20:41:07.402Z", debug: false, pcrIndices: range(16), publicKeyLength: null, userDataLength: 20, nonceLength: null, indefiniteMap: true },
];

export const REAL_DOCUMENTS: RealDocument[] = table.map((t) => ({ ...t, bytes: readFileSync(join(VECTORS, "attestation", t.file)) }));

export const AWS_ROOT_PEM = readFileSync(join(VECTORS, "aws-root", "AWS_NitroEnclaves_Root-G1.pem"), "utf8");
export const AWS_ROOT_DER = readFileSync(join(VECTORS, "aws-root", "AWS_NitroEnclaves_Root-G1.der"));

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

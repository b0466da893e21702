// An enclave image's measurements as the build tools print them. `nitro-cli build-enclave` and
// `nitro-cli describe-eif` print a JSON object whose "Measurements" member holds "HashAlgorithm"
// ("Sha384 { ... }") and "PCR0", "PCR1", "PCR2" (and "PCR8" for a signed image); `enclaver build` prints
// a line or two ("Built Release Image: ...", "EIF Info:") and then the same JSON object (without
// HashAlgorithm). Both are read: a file that is one JSON object, or text with the object on lines of its own.
import { basename, extname } from "node:path";
import { InputFileError } from "../errors.js";
import { readTextFile } from "../input-file.js";
import { isPcrHex, PCR_HEX_DIGITS, pcrIsEverSet } from "../pcr.js";

/** One build of an enclave image (one architecture, say): PCR index -> lower-case hex. */
export interface ImageMeasurements {
  /** Where the measurements came from, used to name the image's policy statements. */
  readonly label: string;
  readonly pcrs: ReadonlyMap<number, string>;
}

const MAX_FILE_BYTES = 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const own = (o: Record<string, unknown>, key: string) => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);

/**
 * The JSON object in a build tool's output: the whole text if it is one, or else the object that opens on
 * the first line starting with "{" and closes on a line starting with "}" (text may follow it).
 */
function jsonObjectIn(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not one JSON document: look for the object inside.
  }
  const start = text.search(/^\{/m);
  if (start < 0) return undefined;
  const closings = /^\}/gm;
  closings.lastIndex = start;
  for (let m; (m = closings.exec(text)); ) {
    try {
      return JSON.parse(text.slice(start, m.index + 1));
    } catch {
      // An inner object's closing brace, or not JSON: try the next closing line.
    }
  }
  return undefined;
}

/** Reads measurements from a build tool's output, `text`, read from `file` (named in errors). */
export function readMeasurements(file: string, text: string): ImageMeasurements {
  const bad = (why: string): never => {
    throw new InputFileError(file, why);
  };
  const doc = jsonObjectIn(text);
  if (!isObject(doc)) return bad("no JSON object with \"Measurements\" (the output of nitro-cli build-enclave / describe-eif or enclaver build)");
  const measurements = own(doc, "Measurements");
  if (!isObject(measurements)) return bad("the JSON object has no \"Measurements\" object");
  const algorithm = own(measurements, "HashAlgorithm");
  if (algorithm !== undefined && !(typeof algorithm === "string" && /^sha384\b/i.test(algorithm))) {
    bad(`HashAlgorithm is ${JSON.stringify(algorithm)}, not Sha384`);
  }
  const pcrs = new Map<number, string>();
  for (const name of Object.keys(measurements)) {
    const m = /^PCR(\d{1,2})$/.exec(name);
    if (!m) continue;
    const index = Number(m[1]);
    const value = measurements[name];
    if (!pcrIsEverSet(index)) bad(`${name} is not a PCR the platform or the enclave ever sets`);
    if (typeof value !== "string" || !isPcrHex(value)) bad(`${name} must be ${PCR_HEX_DIGITS} hex digits`);
    pcrs.set(index, (value as string).toLowerCase());
  }
  if (!pcrs.has(0)) bad("the measurements have no PCR0");
  return { label: basename(file, extname(file)), pcrs };
}

export function readMeasurementsFile(file: string): ImageMeasurements {
  return readMeasurements(file, readTextFile(file, MAX_FILE_BYTES, "a measurements file"));
}

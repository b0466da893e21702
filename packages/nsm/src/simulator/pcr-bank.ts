// The simulated NSM's 32 SHA-384 PCRs: extend = SHA-384(old || data), lock makes a PCR read-only.
import { createHash } from "node:crypto";

export const PCR_COUNT = 32;
export const PCR_SIZE = 48;

export class PcrBank {
  readonly #values: Uint8Array[] = Array.from({ length: PCR_COUNT }, () => new Uint8Array(PCR_SIZE));
  readonly #locked = new Set<number>();

  static inRange(index: number): boolean {
    return Number.isInteger(index) && index >= 0 && index < PCR_COUNT;
  }

  get(index: number): Uint8Array {
    return Uint8Array.from(this.#values[index]!);
  }

  /** Sets a PCR at boot, before it is locked. */
  set(index: number, value: Uint8Array): void {
    this.#values[index] = Uint8Array.from(value);
  }

  isLocked(index: number): boolean {
    return this.#locked.has(index);
  }

  lock(index: number): void {
    this.#locked.add(index);
  }

  locked(): number[] {
    return [...this.#locked].sort((a, b) => a - b);
  }

  /** Returns false when the PCR is locked. */
  extend(index: number, data: Uint8Array): boolean {
    if (this.#locked.has(index)) return false;
    this.#values[index] = new Uint8Array(createHash("sha384").update(this.#values[index]!).update(data).digest());
    return true;
  }
}

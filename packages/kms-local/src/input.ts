// Reads one operation's JSON input the way KMS's front end does: a value of the wrong JSON type or a
// blob that is not base64 is a SerializationException; a value of the right type that breaks a
// constraint of the KMS model (length, range, pattern, enum, required) is a ValidationException worded
// as KMS words it ("1 validation error detected: Value ... at 'keyId' failed to satisfy constraint: ...").
// Members that the model does not define are ignored, as the AWS JSON protocol does.
import { SerializationException, ValidationException } from "./errors.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Length {
  min?: number;
  max?: number;
}
interface StringRule extends Length {
  pattern?: RegExp;
}

/**
 * Strict base64 (standard alphabet, padded): Node's decoder skips bad characters silently, so a blob is
 * accepted only if encoding what was decoded gives back exactly the text received.
 */
function strictBase64(text: string): Buffer | null {
  if (text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : null;
}

const memberPath = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function violation(path: string, value: unknown, constraint: string): never {
  const shown = value === undefined ? "null" : typeof value === "string" ? `'${value}'` : `'${String(value)}'`;
  throw new ValidationException(`1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
}

export class Input {
  private constructor(
    private readonly fields: { [k: string]: Json },
    private readonly prefix: string,
  ) {}

  /** Parses a request body. Anything but a JSON object is a SerializationException. */
  static parse(body: Buffer): Input {
    if (body.length === 0) return new Input({}, "");
    let value: unknown;
    try {
      value = JSON.parse(body.toString("utf8"));
    } catch {
      throw new SerializationException("The request body is not valid JSON");
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new SerializationException("Start of structure or map found where not expected: the request body must be a JSON object");
    }
    return new Input(value as { [k: string]: Json }, "");
  }

  private path(name: string) {
    return this.prefix + memberPath(name);
  }

  private raw(name: string, required: boolean): Json | undefined {
    const v = Object.prototype.hasOwnProperty.call(this.fields, name) ? this.fields[name] : undefined;
    if (v === undefined || v === null) {
      if (required) violation(this.path(name), undefined, "Member must not be null");
      return undefined;
    }
    return v;
  }

  private typed<T>(name: string, required: boolean, type: string, check: (v: Json) => boolean): T | undefined {
    const v = this.raw(name, required);
    if (v === undefined) return undefined;
    if (!check(v)) throw new SerializationException(`${name} must be ${type}`);
    return v as T;
  }

  private checkLength(name: string, shown: unknown, length: number, rule: Length) {
    if (rule.min !== undefined && length < rule.min)
      violation(this.path(name), shown, `Member must have length greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && length > rule.max)
      violation(this.path(name), shown, `Member must have length less than or equal to ${rule.max}`);
  }

  string(name: string, rule: StringRule & { required: true }): string;
  string(name: string, rule?: StringRule & { required?: boolean }): string | undefined;
  string(name: string, rule: StringRule & { required?: boolean } = {}): string | undefined {
    const v = this.typed<string>(name, !!rule.required, "a string", (x) => typeof x === "string");
    if (v === undefined) return undefined;
    this.checkLength(name, v, v.length, rule);
    if (rule.pattern && !rule.pattern.test(v))
      violation(this.path(name), v, `Member must satisfy regular expression pattern: ${rule.pattern.source}`);
    return v;
  }

  blob(name: string, rule: Length & { required: true }): Buffer;
  blob(name: string, rule?: Length & { required?: boolean }): Buffer | undefined;
  blob(name: string, rule: Length & { required?: boolean } = {}): Buffer | undefined {
    const v = this.typed<string>(name, !!rule.required, "a base64-encoded string", (x) => typeof x === "string");
    if (v === undefined) return undefined;
    const bytes = strictBase64(v);
    if (!bytes) throw new SerializationException(`${name} is not valid base64`);
    this.checkLength(name, "java.nio.HeapByteBuffer", bytes.length, rule);
    return bytes;
  }

  integer(name: string, rule: { min?: number; max?: number; required?: boolean } = {}): number | undefined {
    const v = this.typed<number>(name, !!rule.required, "an integer", (x) => typeof x === "number" && Number.isSafeInteger(x));
    if (v === undefined) return undefined;
    if (rule.min !== undefined && v < rule.min)
      violation(this.path(name), v, `Member must have value greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && v > rule.max)
      violation(this.path(name), v, `Member must have value less than or equal to ${rule.max}`);
    return v;
  }

  boolean(name: string): boolean | undefined {
    return this.typed<boolean>(name, false, "a boolean", (x) => typeof x === "boolean");
  }

  enumOf<T extends string>(name: string, values: readonly T[], rule: { required: true }): T;
  enumOf<T extends string>(name: string, values: readonly T[], rule?: { required?: boolean }): T | undefined;
  enumOf<T extends string>(name: string, values: readonly T[], rule: { required?: boolean } = {}): T | undefined {
    const v = this.typed<string>(name, !!rule.required, "a string", (x) => typeof x === "string");
    if (v === undefined) return undefined;
    if (!(values as readonly string[]).includes(v))
      violation(this.path(name), v, `Member must satisfy enum value set: [${values.join(", ")}]`);
    return v as T;
  }

  /** A map of strings to strings (EncryptionContext). */
  stringMap(name: string): Record<string, string> | undefined {
    const v = this.typed<{ [k: string]: Json }>(name, false, "a map of strings", (x) => typeof x === "object" && !Array.isArray(x));
    if (v === undefined) return undefined;
    const out: Record<string, string> = Object.create(null);
    for (const [k, val] of Object.entries(v)) {
      if (typeof val !== "string") throw new SerializationException(`${name}.${k} must be a string`);
      out[k] = val;
    }
    return out;
  }

  stringList(name: string, rule: Length & { memberMax?: number } = {}): string[] | undefined {
    const v = this.typed<Json[]>(name, false, "a list of strings", (x) => Array.isArray(x));
    if (v === undefined) return undefined;
    for (const item of v) if (typeof item !== "string") throw new SerializationException(`${name} must hold only strings`);
    this.checkLength(name, "[...]", v.length, rule);
    for (const item of v as string[]) if (rule.memberMax !== undefined && item.length > rule.memberMax)
      violation(this.path(name) + ".member", item, `Member must have length less than or equal to ${rule.memberMax}`);
    return v as string[];
  }

  /** A list of structures (Tags). */
  structureList(name: string): Input[] | undefined {
    const v = this.typed<Json[]>(name, false, "a list", (x) => Array.isArray(x));
    if (v === undefined) return undefined;
    return v.map((item, i) => {
      if (item === null || typeof item !== "object" || Array.isArray(item)) throw new SerializationException(`${name}[${i}] must be an object`);
      return new Input(item, `${this.path(name)}.${i + 1}.member.`);
    });
  }

  structure(name: string): Input | undefined {
    const v = this.typed<{ [k: string]: Json }>(name, false, "an object", (x) => typeof x === "object" && !Array.isArray(x));
    return v === undefined ? undefined : new Input(v, `${this.path(name)}.`);
  }
}

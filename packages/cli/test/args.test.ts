// Argument parsing: node:util parseArgs underneath, every mistake a UsageError that names it.
import { parseCommandLine, required } from "../src/args";
import { UsageError } from "../src/errors";

const SPECS = { name: { type: "string" }, tag: { type: "string", multiple: true }, json: { type: "boolean" } } as const;
const parse = (...argv: string[]) => parseCommandLine(argv, SPECS, ["FILE"]);

test("reads values, repeated options in order, flags and positionals", () => {
  const { help, values, positionals } = parse("f.json", "--name", "x", "--tag", "a", "--tag=b", "--json");
  expect(help).toBe(false);
  expect({ ...values }).toEqual({ name: "x", tag: ["a", "b"], json: true });
  expect(positionals).toEqual(["f.json"]);
  expect(Object.getPrototypeOf(values)).toBeNull();
});

test("absent options: undefined, an empty list, false", () => {
  expect({ ...parse("f").values }).toEqual({ name: undefined, tag: [], json: false });
});

test.each([
  [["f", "--nmae", "x"], "unknown option '--nmae'"],
  [["f", "-x"], "unknown option '-x'"],
  [["f", "--constructor"], "unknown option '--constructor'"],
  [["f", "--__proto__", "x"], "unknown option '--__proto__'"],
  [["f", "--name"], "--name needs a value"],
  [["f", "--name", "--json"], "--name needs a value"],
  [["f", "--json=yes"], "--json takes no value"],
  [["f", "--name", "a", "--name", "b"], "--name was given more than once"],
  [[], "FILE is missing"],
  [["f", "g"], "unexpected argument 'g'"],
])("%j: %s", (argv, message) => {
  expect(() => parse(...argv)).toThrow(UsageError);
  expect(() => parse(...argv)).toThrow(message);
});

test("a value that starts with a dash can be given inline, and '--' ends the options", () => {
  expect(parse("f", "--name=-x").values.name).toBe("-x");
  expect(parse("--", "--json").positionals).toEqual(["--json"]);
});

test("--help and -h win over everything else", () => {
  expect(parse("--bogus", "--help").help).toBe(true);
  expect(parse("-h").help).toBe(true);
});

test("required: the value, or a UsageError in kmstool_enclave_cli's words", () => {
  expect(required("--key-id", "alias/app")).toBe("alias/app");
  expect(required("--key-id", "")).toBe("");
  expect(() => required("--key-id", undefined)).toThrow(new UsageError("--key-id must be set"));
});

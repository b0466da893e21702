// Writing the output: all or nothing, keeping dist/ and node_modules/, never replacing a foreign directory.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OutputWriteError } from "../src/errors";
import { swapDirectory } from "../src/write/swapDirectory";
import { listFiles, tempDir } from "./helpers";

const MARK: [string, string] = [".gitattributes", "* linguist-generated=true\n"];

describe("swapDirectory", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir("swap")));
  afterEach(() => tmp.cleanup());

  it("creates the output directory with exactly the given files", () => {
    const out = join(tmp.dir, "pkg");
    swapDirectory(out, [MARK, ["src/a.ts", "A"], ["package.json", "{}"]]);
    expect(listFiles(out)).toEqual([".gitattributes", "package.json", "src/a.ts"]);
    expect(readFileSync(join(out, "src/a.ts"), "utf8")).toBe("A");
  });

  it("replaces a generated package: stale files go, dist/ and node_modules/ stay, no staging left behind", () => {
    const out = join(tmp.dir, "pkg");
    swapDirectory(out, [MARK, ["src/old.ts", "old"]]);
    mkdirSync(join(out, "dist"));
    writeFileSync(join(out, "dist", "index.js"), "built");
    mkdirSync(join(out, "node_modules", "dep"), { recursive: true });
    swapDirectory(out, [MARK, ["src/new.ts", "new"]]);
    expect(listFiles(out)).toEqual([".gitattributes", "dist/index.js", "src/new.ts"]);
    expect(existsSync(join(out, "node_modules", "dep"))).toBe(true);
    expect(readdirSync(tmp.dir)).toEqual(["pkg"]);
  });

  it("refuses to replace a directory it did not write, and leaves it alone", () => {
    const out = join(tmp.dir, "mine");
    mkdirSync(out);
    writeFileSync(join(out, "notes.txt"), "keep me");
    expect(() => swapDirectory(out, [MARK, ["src/a.ts", "A"]])).toThrow(OutputWriteError);
    expect(() => swapDirectory(out, [MARK, ["src/a.ts", "A"]])).toThrow(/refusing to replace .*mine/);
    expect(listFiles(out)).toEqual(["notes.txt"]);
    expect(readdirSync(tmp.dir)).toEqual(["mine"]);
  });

  it("fills an empty directory", () => {
    const out = join(tmp.dir, "empty");
    mkdirSync(out);
    swapDirectory(out, [MARK, ["a.txt", "a"]]);
    expect(listFiles(out)).toEqual([".gitattributes", "a.txt"]);
  });

  it("fails cleanly when it cannot write, leaving nothing behind", () => {
    const blocker = join(tmp.dir, "file");
    writeFileSync(blocker, "x");
    expect(() => swapDirectory(join(blocker, "pkg"), [MARK, ["a.txt", "a"]])).toThrow(OutputWriteError);
    expect(readdirSync(tmp.dir)).toEqual(["file"]);
  });
});

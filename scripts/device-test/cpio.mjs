// A minimal writer for the "newc" cpio format, the one the Linux kernel unpacks as an initramfs
// (Documentation/driver-api/early-userspace/buffer-format.rst). Written here so the test needs no cpio tool.
import { closeSync, openSync, writeSync } from "node:fs";

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

export class CpioWriter {
  #fd;
  #offset = 0;
  #ino = 1;
  #dirs = new Set();

  constructor(path) {
    this.#fd = openSync(path, "w");
  }

  #write(buf) {
    writeSync(this.#fd, buf);
    this.#offset += buf.length;
  }

  #pad() {
    const rem = this.#offset % 4;
    if (rem) this.#write(Buffer.alloc(4 - rem));
  }

  #entry(name, mode, data) {
    const nameBuf = Buffer.from(name + "\0");
    const hex = (n) => n.toString(16).padStart(8, "0");
    const fields = [this.#ino++, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBuf.length, 0];
    this.#write(Buffer.from("070701" + fields.map(hex).join(""), "ascii"));
    this.#write(nameBuf);
    this.#pad();
    this.#write(data);
    this.#pad();
  }

  /** Adds a directory and its missing parents. */
  dir(path) {
    const parts = path.split("/").filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join("/");
      if (this.#dirs.has(p)) continue;
      this.#dirs.add(p);
      this.#entry(p, S_IFDIR | 0o755, Buffer.alloc(0));
    }
  }

  file(path, data, mode = 0o644) {
    const p = path.replace(/^\/+/, "");
    this.dir(p.split("/").slice(0, -1).join("/"));
    this.#entry(p, S_IFREG | mode, data);
  }

  symlink(path, target) {
    const p = path.replace(/^\/+/, "");
    this.dir(p.split("/").slice(0, -1).join("/"));
    this.#entry(p, S_IFLNK | 0o777, Buffer.from(target));
  }

  close() {
    this.#entry("TRAILER!!!", 0, Buffer.alloc(0));
    closeSync(this.#fd);
  }
}

// JSON.parse keeps the last of two members with the same name; a policy with two "Effect"s would then mean
// whatever the last one says. KMS refuses such documents, so the parser looks for them first.

/** The first member name that appears twice in one object of `text`, which must already be valid JSON. */
export function firstDuplicateMember(text: string): string | undefined {
  // One entry per open object (its member names so far) or array (null).
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const names = open[open.length - 1];
      if (expectName && names) {
        const raw = text.slice(i + 1, end);
        const name = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (names.has(name)) return name;
        names.add(name);
        expectName = false;
      }
      i = end;
    } else if (c === "{") {
      open.push(new Set());
      expectName = true;
    } else if (c === "[") {
      open.push(null);
    } else if (c === "}" || c === "]") {
      open.pop();
    } else if (c === ",") {
      expectName = open[open.length - 1] !== null;
    } else if (c === ":") {
      expectName = false;
    }
  }
  return undefined;
}

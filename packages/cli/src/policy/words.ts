// Lists in finding messages: "a, b and c", long ones cut short.

export function listOf(items: readonly string[], max = 5): string {
  const unique = [...new Set(items)];
  const shown = unique.length > max ? [...unique.slice(0, max), `${unique.length - max} more`] : unique;
  return shown.length <= 1 ? shown.join("") : `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/** A value as it appears in a message: quoted, long ones shortened. */
export const quoted = (value: string) => `'${value.length > 24 ? `${value.slice(0, 12)}...${value.slice(-8)}` : value}'`;

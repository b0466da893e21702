// nitro-kms policy lint: attestation-aware findings on a key policy.
import { type CommandLine } from "../args.js";
import { UsageError } from "../errors.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { LINT_RULES, lintKeyPolicy, NOT_PRINCIPAL, POLICY_REFUSED, type Finding } from "../policy/lint.js";
import { SEVERITIES, type Severity } from "../policy/lint-rule.js";
import { readPolicyFile } from "../policy/policy-file.js";

const ALL_RULES = [...LINT_RULES, NOT_PRINCIPAL, POLICY_REFUSED];
const rulesOf = (severity: Severity) => ALL_RULES.filter((r) => r.severity === severity).map((r) => r.id).join(", ");

export const help = `usage: nitro-kms policy lint FILE [--severity error|warning] [--json]

Checks a KMS key policy (read with kms-local's parser, as the emulator and KMS read it) for ways to use
the key without attestation and for mixed-up duties. Each finding names the statement (its index in
Statement, from 0, and its Sid), the rule and why it matters.

Rules, errors:   ${rulesOf("error")}
Rules, warnings: ${rulesOf("warning")}

  --severity LEVEL            the least severity that fails the check: error, or warning (default)
  --json                      print {"file", "severity", "findings": [{"rule", "severity", "statement":
                              {"index", "sid"}, "message", "why"}], "counts": {"error", "warning"}}
  -h, --help                  show this help

Every finding is printed; the exit code says whether any is at or above --severity.
Exit codes: 0 nothing at or above the severity; 2 findings at or above it; 1 usage error (or FILE unreadable).
`;

export const OPTIONS = { severity: { type: "string" }, json: { type: "boolean" } } as const;

function describe(file: string, f: Finding): string {
  const where = f.statement ? `statement ${f.statement.index}${f.statement.sid === undefined ? "" : ` (${f.statement.sid})`}` : "policy";
  return `${file}: ${where}: ${f.severity} ${f.rule}\n  ${f.message}\n  why: ${f.why}\n`;
}

/** The positional arguments, by name. */
export const POSITIONALS = ["FILE"] as const;

export async function run({ values, positionals }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const severity = (values.severity ?? "warning") as Severity;
  if (!SEVERITIES.includes(severity)) throw new UsageError(`--severity must be error or warning, got '${values.severity}'`);
  const [file] = positionals;
  const findings = lintKeyPolicy(readPolicyFile(file));
  const counts = { error: 0, warning: 0 };
  for (const f of findings) counts[f.severity]++;
  const failing = findings.filter((f) => SEVERITIES.indexOf(f.severity) >= SEVERITIES.indexOf(severity)).length;
  if (values.json) {
    io.out(`${JSON.stringify({ file, severity, findings, counts }, null, 2)}\n`);
  } else {
    for (const f of findings) io.out(describe(file, f));
    const total = findings.length === 0 ? "no findings" : `${counts.error} error(s), ${counts.warning} warning(s)`;
    io.out(`${file}: ${total}${findings.length && !failing ? ` (none at or above ${severity})` : ""}\n`);
  }
  return failing > 0 ? EXIT_CODES.no : EXIT_CODES.ok;
}

// enclave-app: `node dist/main.js`, configured by the environment (see README.md). Prints
// "enclave-app listening on http://127.0.0.1:<port>" on stdout once it serves, logs on stderr, and stops
// on SIGTERM or SIGINT after running requests finish. Exit code 0 after a stop, 1 if it cannot start.
import { AppError } from "./errors.js";
import { startApp, type RunningApp } from "./app.js";
import { readConfig } from "./config.js";
import { stderrLog as log } from "./log.js";

async function main(): Promise<void> {
  let app: RunningApp;
  try {
    app = await startApp(readConfig(process.env), log, { stdin: process.stdin });
  } catch (error) {
    const code = error instanceof AppError ? error.code : "APP_INTERNAL_ERROR";
    log(`cannot start: ${code}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  process.stdout.write(`enclave-app listening on ${app.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping (running requests finish first)`);
    app.stop().then(
      () => {
        log("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        log(`stop failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

void main();

// One jest run for the whole workspace. Packages are resolved to their TypeScript sources, so tests
// need no build; the swap-in tests under test/ load built packages on purpose.
const { availableParallelism } = require("node:os");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // A worker per core (jest's default leaves one idle): much of the suite waits on child processes and
  // loopback servers, so on two cores this takes about 60% of the time one worker does.
  maxWorkers: Math.max(2, availableParallelism()),
  transform: { "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  testMatch: ["<rootDir>/packages/*/test/**/*.test.ts", "<rootDir>/examples/*/test/**/*.test.ts", "<rootDir>/codegen/test/**/*.test.ts", "<rootDir>/test/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
  moduleNameMapper: {
    "^@nitro-enclaves-sdk/(nsm|kms-local|enclave|cli|native)$": "<rootDir>/packages/$1/src/index.ts",
    "^@nitro-enclaves-sdk/nsm/simulator$": "<rootDir>/packages/nsm/src/simulator/index.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  testTimeout: 60000,
};

// Public API of @nitro-enclaves-sdk/nsm. This file only re-exports.
export * from "./errors.js";

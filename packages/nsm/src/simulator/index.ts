// Public API of @nitro-enclaves-sdk/nsm/simulator: a software NSM and its CA, for local development
// and tests. This file only re-exports.
export { SimulatedNsm, type SimulatedNsmOptions } from "./simulated-nsm.js";
export { SimulatorCa, createSimulatorCa, loadOrCreateSimulatorCa, type SimulatorCaOptions } from "./ca.js";

// The two clients the differential, endpoint and benchmark checks compare. Ours is the generated
// package as a user gets it (its built dist, through its package.json); the official one is
// @aws-sdk/client-kms, at the version codegen/config.json says ours mirrors, installed under an alias
// name so that overrides leave it alone.
import * as officialModule from "official-client-kms";
import * as oursModule from "@nitro-enclaves-sdk/client-kms";
import { loadConfig } from "../../codegen/src/config";

/** Both modules seen through one loose type, to look commands, errors and paginators up by name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KmsModule = Record<string, any>;

export const official: KmsModule = officialModule;
export const ours: KmsModule = oursModule;
export const OURS_PACKAGE = "@nitro-enclaves-sdk/client-kms";
export const OFFICIAL_ALIAS = "official-client-kms";

const codegen = loadConfig().package;
/** Our package's version, from codegen/config.json. */
export const OURS_VERSION = codegen.version;
/** The official client's version whose API ours has: the version the alias installs. */
export const OFFICIAL_VERSION = codegen.officialClientVersion;

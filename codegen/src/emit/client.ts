// The client itself: <Name>Client (config resolution + middleware stack), the aggregated <Name> class with a
// method per operation, the shared command builder and the package index.
import type { Context } from "./context";
import { inputOptional } from "./commands";
import { banner, lowerFirst, quote } from "./text";

export function emitClient(ctx: Context): [string, string][] {
  return [
    [`src/${ctx.client}Client.ts`, clientFile(ctx)],
    [`src/${ctx.client}.ts`, aggregated(ctx)],
    ["src/commandBuilder.ts", commandBuilder(ctx)],
    ["src/index.ts", index(ctx)],
  ];
}

function clientFile(ctx: Context): string {
  const C = ctx.client;
  const ops = ctx.operations;
  const union = (suffix: string) => ops.map((op) => `  | ${op.name}Command${suffix}`).join("\n");
  return `${banner(ctx)}import {
  getHostHeaderPlugin,
  getLoggerPlugin,
  getRecursionDetectionPlugin,
  getUserAgentPlugin,
  resolveHostHeaderConfig,
  resolveUserAgentConfig,
  type HostHeaderInputConfig,
  type HostHeaderResolvedConfig,
  type UserAgentInputConfig,
  type UserAgentResolvedConfig,
} from "@aws-sdk/core/client";
import { DefaultIdentityProviderConfig, getHttpAuthSchemeEndpointRuleSetPlugin, getHttpSigningPlugin } from "@smithy/core";
import {
  Client as __Client,
  type DefaultsMode as __DefaultsMode,
  type SmithyConfiguration as __SmithyConfiguration,
  type SmithyResolvedConfiguration as __SmithyResolvedConfiguration,
} from "@smithy/core/client";
import { resolveRegionConfig, type RegionInputConfig, type RegionResolvedConfig } from "@smithy/core/config";
import { resolveEndpointConfig, type EndpointInputConfig, type EndpointResolvedConfig } from "@smithy/core/endpoints";
import { getContentLengthPlugin, type HttpHandlerUserInput as __HttpHandlerUserInput } from "@smithy/core/protocols";
import { getRetryPlugin, resolveRetryConfig, type RetryInputConfig, type RetryResolvedConfig } from "@smithy/core/retry";
import { getSchemaSerdePlugin } from "@smithy/core/schema";
import type {
  AwsCredentialIdentityProvider,
  BodyLengthCalculator as __BodyLengthCalculator,
  CheckOptionalClientConfig as __CheckOptionalClientConfig,
  ChecksumConstructor as __ChecksumConstructor,
  Decoder as __Decoder,
  Encoder as __Encoder,
  HashConstructor as __HashConstructor,
  HttpHandlerOptions as __HttpHandlerOptions,
  Logger as __Logger,
  Provider as __Provider,
  StreamCollector as __StreamCollector,
  UrlParser as __UrlParser,
  UserAgent as __UserAgent,
} from "@smithy/types";
import {
  default${C}HttpAuthSchemeParametersProvider,
  resolveHttpAuthSchemeConfig,
  type HttpAuthSchemeInputConfig,
  type HttpAuthSchemeResolvedConfig,
} from "./auth/httpAuthSchemeProvider.js";
${ops.map((op) => `import type { ${op.name}CommandInput, ${op.name}CommandOutput } from "./commands/${op.name}Command.js";`).join("\n")}
import {
  resolveClientEndpointParameters,
  type ClientInputEndpointParameters,
  type ClientResolvedEndpointParameters,
  type EndpointParameters,
} from "./endpoint/EndpointParameters.js";
import { getRuntimeConfig as __getRuntimeConfig } from "./runtimeConfig.js";
import { resolveRuntimeExtensions, type RuntimeExtension, type RuntimeExtensionsConfig } from "./runtimeExtensions.js";

export { __Client };

export type ServiceInputTypes =
${union("Input")};

export type ServiceOutputTypes =
${union("Output")};

/** Defaults that each runtime (runtimeConfig.ts) fills in. */
export interface ClientDefaults extends Partial<__SmithyConfiguration<__HttpHandlerOptions>> {
  /** The HTTP handler, or its options (e.g. { requestTimeout }). */
  requestHandler?: __HttpHandlerUserInput;
  sha256?: __ChecksumConstructor | __HashConstructor;
  urlParser?: __UrlParser;
  bodyLengthChecker?: __BodyLengthCalculator;
  streamCollector?: __StreamCollector;
  base64Decoder?: __Decoder;
  base64Encoder?: __Encoder;
  utf8Decoder?: __Decoder;
  utf8Encoder?: __Encoder;
  runtime?: string;
  disableHostPrefix?: boolean;
  serviceId?: string;
  useDualstackEndpoint?: boolean | __Provider<boolean>;
  useFipsEndpoint?: boolean | __Provider<boolean>;
  region?: string | __Provider<string>;
  profile?: string;
  defaultUserAgentProvider?: __Provider<__UserAgent>;
  credentialDefaultProvider?: (input: any) => AwsCredentialIdentityProvider;
  maxAttempts?: number | __Provider<number>;
  retryMode?: string | __Provider<string>;
  logger?: __Logger;
  extensions?: RuntimeExtension[];
  defaultsMode?: __DefaultsMode | __Provider<__DefaultsMode>;
}

export type ${C}ClientConfigType = Partial<__SmithyConfiguration<__HttpHandlerOptions>> &
  ClientDefaults &
  UserAgentInputConfig &
  RetryInputConfig &
  RegionInputConfig &
  HostHeaderInputConfig &
  EndpointInputConfig<EndpointParameters> &
  HttpAuthSchemeInputConfig &
  ClientInputEndpointParameters;

/** Configuration of ${C}Client: region, credentials, endpoint, retries, handler, logger, extensions... */
export interface ${C}ClientConfig extends ${C}ClientConfigType {}

export type ${C}ClientResolvedConfigType = __SmithyResolvedConfiguration<__HttpHandlerOptions> &
  Required<ClientDefaults> &
  RuntimeExtensionsConfig &
  UserAgentResolvedConfig &
  RetryResolvedConfig &
  RegionResolvedConfig &
  HostHeaderResolvedConfig &
  EndpointResolvedConfig<EndpointParameters> &
  HttpAuthSchemeResolvedConfig &
  ClientResolvedEndpointParameters;

export interface ${C}ClientResolvedConfig extends ${C}ClientResolvedConfigType {}

/** The ${C} client: \`send\` any of the commands. */
export class ${C}Client extends __Client<__HttpHandlerOptions, ServiceInputTypes, ServiceOutputTypes, ${C}ClientResolvedConfig> {
  readonly config: ${C}ClientResolvedConfig;

  constructor(...[configuration]: __CheckOptionalClientConfig<${C}ClientConfig>) {
    const _config_0 = __getRuntimeConfig(configuration || {});
    // The base class keeps this config until the resolved one replaces it below.
    super(_config_0 as unknown as ${C}ClientResolvedConfig);
    this.initConfig = _config_0;
    const _config_1 = resolveClientEndpointParameters(_config_0);
    const _config_2 = resolveUserAgentConfig(_config_1);
    const _config_3 = resolveRetryConfig(_config_2);
    const _config_4 = resolveRegionConfig(_config_3);
    const _config_5 = resolveHostHeaderConfig(_config_4);
    const _config_6 = resolveEndpointConfig(_config_5);
    const _config_7 = resolveHttpAuthSchemeConfig(_config_6);
    const _config_8 = resolveRuntimeExtensions(_config_7, configuration?.extensions || []);
    this.config = _config_8;
    this.middlewareStack.use(getSchemaSerdePlugin(this.config));
    this.middlewareStack.use(getUserAgentPlugin(this.config));
    this.middlewareStack.use(getRetryPlugin(this.config));
    this.middlewareStack.use(getContentLengthPlugin(this.config));
    this.middlewareStack.use(getHostHeaderPlugin(this.config));
    this.middlewareStack.use(getLoggerPlugin(this.config));
    this.middlewareStack.use(getRecursionDetectionPlugin(this.config));
    this.middlewareStack.use(
      getHttpAuthSchemeEndpointRuleSetPlugin(this.config, {
        httpAuthSchemeParametersProvider: default${C}HttpAuthSchemeParametersProvider,
        identityProviderConfigProvider: async (config: ${C}ClientResolvedConfig) =>
          new DefaultIdentityProviderConfig({
            "aws.auth#sigv4": config.credentials,
          }),
      }),
    );
    this.middlewareStack.use(getHttpSigningPlugin(this.config));
  }

  /** Releases the HTTP handler's sockets. */
  destroy(): void {
    super.destroy();
  }
}
`;
}

function aggregated(ctx: Context): string {
  const C = ctx.client;
  const ops = ctx.operations;
  const paged = ops.filter((op) => op.paginated);
  const methods: string[] = [];
  for (const op of ops) {
    const m = lowerFirst(op.name);
    const I = `${op.name}CommandInput`;
    const O = `${op.name}CommandOutput`;
    methods.push(`  /** @see {@link ${op.name}Command} */`);
    if (inputOptional(ctx, op)) methods.push(`  ${m}(): Promise<${O}>;`);
    methods.push(`  ${m}(args: ${I}, options?: ${C}RequestOptions): Promise<${O}>;`);
    methods.push(`  ${m}(args: ${I}, cb: (err: any, data?: ${O}) => void): void;`);
    methods.push(`  ${m}(args: ${I}, options: ${C}RequestOptions, cb: (err: any, data?: ${O}) => void): void;`);
    methods.push("");
  }
  for (const op of paged) {
    const opt = inputOptional(ctx, op) ? "?" : "";
    methods.push(`  /** @see {@link ${op.name}Command} */`);
    methods.push(
      `  paginate${op.name}(args${opt}: ${op.name}CommandInput, paginationConfig?: Omit<PaginationConfiguration, "client">): Paginator<${op.name}CommandOutput>;`,
    );
    methods.push("");
  }
  return `${banner(ctx)}import { createAggregatedClient } from "@smithy/core/client";
import type { HttpHandlerOptions as __HttpHandlerOptions, PaginationConfiguration, Paginator } from "@smithy/types";
${ops.map((op) => `import { ${op.name}Command, type ${op.name}CommandInput, type ${op.name}CommandOutput } from "./commands/${op.name}Command.js";`).join("\n")}
import { ${C}Client } from "./${C}Client.js";
${paged.map((op) => `import { paginate${op.name} } from "./pagination/${op.name}Paginator.js";`).join("\n")}

const commands = {
${ops.map((op) => `  ${op.name}Command,`).join("\n")}
};

const paginators = {
${paged.map((op) => `  paginate${op.name},`).join("\n")}
};

export interface ${C}RequestOptions extends __HttpHandlerOptions {}

export interface ${C} {
${methods.join("\n").trimEnd()}
}

/** ${C}Client with a method per operation (and per paginator): \`await kms.decrypt({ ... })\`. */
export class ${C} extends ${C}Client implements ${C} {}

createAggregatedClient(commands, ${C}, { paginators });
`;
}

function commandBuilder(ctx: Context): string {
  const C = ctx.client;
  return `${banner(ctx)}import { makeBuilder } from "@smithy/core/client";
import { getEndpointPlugin } from "@smithy/core/endpoints";
import type { EndpointParameterInstructions, Pluggable } from "@smithy/types";
import { commonParams } from "./endpoint/EndpointParameters.js";
import type { ${C}ClientResolvedConfig, ServiceInputTypes, ServiceOutputTypes } from "./${C}Client.js";

/** Turns an operation schema into a Command class bound to this service. */
export const command = makeBuilder<${C}ClientResolvedConfig, ServiceInputTypes, ServiceOutputTypes>(
  commonParams,
  ${quote(ctx.service.name)},
  ${quote(`${C}Client`)},
  getEndpointPlugin,
);

/** For operations without endpoint parameters of their own. */
export const noExtraEndpointParams: EndpointParameterInstructions = {};

/** For operations without middleware of their own. */
export const noExtraPlugins = (_Command: any, _clientStack: any, _config: any, _options: any): Pluggable<any, any>[] => [];
`;
}

function index(ctx: Context): string {
  const C = ctx.client;
  return `${banner(ctx)}export * from "./${C}Client.js";
export * from "./${C}.js";
export type { ClientInputEndpointParameters } from "./endpoint/EndpointParameters.js";
export type { RuntimeExtension } from "./runtimeExtensions.js";
export type { ${C}ExtensionConfiguration } from "./extensionConfiguration.js";
export * from "./commands/index.js";
export { Command as $Command } from "@smithy/core/client";
export * from "./pagination/index.js";
export * from "./schemas/schemas.js";
export * from "./models/enums.js";
export * from "./models/errors.js";
export * from "./models/structures.js";
export { ${C}ServiceException } from "./models/${C}ServiceException.js";
`;
}


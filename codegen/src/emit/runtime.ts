// Runtime wiring: auth schemes (SigV4), runtime config for Node (credentials and region from the standard
// provider chains, retries, the HTTP handler), and the extension (plugin) configuration.
import type { Context } from "./context";
import { banner, quote } from "./text";

export function emitRuntime(ctx: Context): [string, string][] {
  return [
    ["src/auth/httpAuthSchemeProvider.ts", authSchemeProvider(ctx)],
    ["src/auth/httpAuthExtensionConfiguration.ts", authExtension(ctx)],
    ["src/runtimeConfig.shared.ts", runtimeShared(ctx)],
    ["src/runtimeConfig.ts", runtimeNode(ctx)],
    ["src/extensionConfiguration.ts", extensionConfiguration(ctx)],
    ["src/runtimeExtensions.ts", runtimeExtensions(ctx)],
    ["src/version.ts", `${banner(ctx)}/** This package's version (sent in the user agent). */\nexport const CLIENT_VERSION = ${quote(ctx.pkg.version)};\n`],
  ];
}

function authSchemeProvider(ctx: Context): string {
  const C = ctx.client;
  return `${banner(ctx)}import {
  resolveAwsSdkSigV4Config,
  type AwsSdkSigV4AuthInputConfig,
  type AwsSdkSigV4AuthResolvedConfig,
  type AwsSdkSigV4PreviouslyResolved,
} from "@aws-sdk/core/httpAuthSchemes";
import { getSmithyContext, normalizeProvider } from "@smithy/core/client";
import type {
  HandlerExecutionContext,
  HttpAuthOption,
  HttpAuthScheme,
  HttpAuthSchemeParameters,
  HttpAuthSchemeParametersProvider,
  HttpAuthSchemeProvider,
  Provider,
} from "@smithy/types";
import type { ${C}ClientResolvedConfig } from "../${C}Client.js";

export interface ${C}HttpAuthSchemeParameters extends HttpAuthSchemeParameters {
  region?: string;
}

export interface ${C}HttpAuthSchemeParametersProvider
  extends HttpAuthSchemeParametersProvider<${C}ClientResolvedConfig, HandlerExecutionContext, ${C}HttpAuthSchemeParameters, object> {}

export const default${C}HttpAuthSchemeParametersProvider = async (
  config: ${C}ClientResolvedConfig,
  context: HandlerExecutionContext,
  _input: object,
): Promise<${C}HttpAuthSchemeParameters> => {
  return {
    operation: getSmithyContext(context).operation as string,
    region:
      (await normalizeProvider(config.region)()) ||
      (() => {
        throw new Error("expected \`region\` to be configured for \`aws.auth#sigv4\`");
      })(),
  };
};

function createAwsAuthSigv4HttpAuthOption(authParameters: ${C}HttpAuthSchemeParameters): HttpAuthOption {
  return {
    schemeId: "aws.auth#sigv4",
    signingProperties: {
      name: ${quote(ctx.service.signingName)},
      region: authParameters.region,
    },
    propertiesExtractor: (config, context) => ({
      signingProperties: {
        config,
        context,
      },
    }),
  };
}

export interface ${C}HttpAuthSchemeProvider extends HttpAuthSchemeProvider<${C}HttpAuthSchemeParameters> {}

/** Every operation signs with SigV4. */
export const default${C}HttpAuthSchemeProvider: ${C}HttpAuthSchemeProvider = (authParameters) => {
  return [createAwsAuthSigv4HttpAuthOption(authParameters)];
};

export interface HttpAuthSchemeInputConfig extends AwsSdkSigV4AuthInputConfig {
  authSchemePreference?: string[] | Provider<string[]>;
  httpAuthSchemes?: HttpAuthScheme[];
  httpAuthSchemeProvider?: ${C}HttpAuthSchemeProvider;
}

export interface HttpAuthSchemeResolvedConfig extends AwsSdkSigV4AuthResolvedConfig {
  readonly authSchemePreference: Provider<string[]>;
  readonly httpAuthSchemes: HttpAuthScheme[];
  readonly httpAuthSchemeProvider: ${C}HttpAuthSchemeProvider;
}

export const resolveHttpAuthSchemeConfig = <T>(
  config: T & HttpAuthSchemeInputConfig & AwsSdkSigV4PreviouslyResolved,
): T & HttpAuthSchemeResolvedConfig => {
  const config_0 = resolveAwsSdkSigV4Config(config);
  return Object.assign(config_0, {
    authSchemePreference: normalizeProvider(config.authSchemePreference ?? []),
  }) as T & HttpAuthSchemeResolvedConfig;
};
`;
}

function authExtension(ctx: Context): string {
  const C = ctx.client;
  return `${banner(ctx)}import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpAuthScheme } from "@smithy/types";
import type { ${C}HttpAuthSchemeProvider } from "./httpAuthSchemeProvider.js";

/** What extensions (plugins) may read and replace about authentication. */
export interface HttpAuthExtensionConfiguration {
  setHttpAuthScheme(httpAuthScheme: HttpAuthScheme): void;
  httpAuthSchemes(): HttpAuthScheme[];
  setHttpAuthSchemeProvider(httpAuthSchemeProvider: ${C}HttpAuthSchemeProvider): void;
  httpAuthSchemeProvider(): ${C}HttpAuthSchemeProvider;
  setCredentials(credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): void;
  credentials(): AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
}

export type HttpAuthRuntimeConfig = Partial<{
  httpAuthSchemes: HttpAuthScheme[];
  httpAuthSchemeProvider: ${C}HttpAuthSchemeProvider;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}>;

export const getHttpAuthExtensionConfiguration = (runtimeConfig: HttpAuthRuntimeConfig): HttpAuthExtensionConfiguration => {
  const _httpAuthSchemes = runtimeConfig.httpAuthSchemes!;
  let _httpAuthSchemeProvider = runtimeConfig.httpAuthSchemeProvider!;
  let _credentials = runtimeConfig.credentials;
  return {
    setHttpAuthScheme(httpAuthScheme: HttpAuthScheme): void {
      const index = _httpAuthSchemes.findIndex((scheme) => scheme.schemeId === httpAuthScheme.schemeId);
      if (index === -1) {
        _httpAuthSchemes.push(httpAuthScheme);
      } else {
        _httpAuthSchemes.splice(index, 1, httpAuthScheme);
      }
    },
    httpAuthSchemes(): HttpAuthScheme[] {
      return _httpAuthSchemes;
    },
    setHttpAuthSchemeProvider(httpAuthSchemeProvider: ${C}HttpAuthSchemeProvider): void {
      _httpAuthSchemeProvider = httpAuthSchemeProvider;
    },
    httpAuthSchemeProvider(): ${C}HttpAuthSchemeProvider {
      return _httpAuthSchemeProvider;
    },
    setCredentials(credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): void {
      _credentials = credentials;
    },
    credentials(): AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined {
      return _credentials;
    },
  };
};

export const resolveHttpAuthRuntimeConfig = (config: HttpAuthExtensionConfiguration): HttpAuthRuntimeConfig => {
  return {
    httpAuthSchemes: config.httpAuthSchemes(),
    httpAuthSchemeProvider: config.httpAuthSchemeProvider(),
    credentials: config.credentials(),
  };
};
`;
}

function runtimeShared(ctx: Context): string {
  const C = ctx.client;
  const xmlNs = ctx.service.shape.traits?.["smithy.api#xmlNamespace"] as { uri?: string } | undefined;
  return `${banner(ctx)}import { AwsSdkSigV4Signer } from "@aws-sdk/core/httpAuthSchemes";
import { AwsJson1_1Protocol } from "@aws-sdk/core/protocols";
import { Sha256 } from "@smithy/core/checksum";
import { NoOpLogger } from "@smithy/core/client";
import { parseUrl } from "@smithy/core/protocols";
import { fromBase64, fromUtf8, toBase64, toUtf8 } from "@smithy/core/serde";
import type { IdentityProviderConfig } from "@smithy/types";
import { default${C}HttpAuthSchemeProvider } from "./auth/httpAuthSchemeProvider.js";
import { defaultEndpointResolver } from "./endpoint/endpointResolver.js";
import type { ${C}ClientConfig } from "./${C}Client.js";
import { errorTypeRegistries } from "./schemas/schemas.js";

/** Defaults shared by every runtime: protocol, signer, endpoint rules, codecs. */
export const getRuntimeConfig = (config: ${C}ClientConfig) => {
  return {
    apiVersion: ${quote(ctx.service.version)},
    base64Decoder: config?.base64Decoder ?? fromBase64,
    base64Encoder: config?.base64Encoder ?? toBase64,
    disableHostPrefix: config?.disableHostPrefix ?? false,
    endpointProvider: config?.endpointProvider ?? defaultEndpointResolver,
    extensions: config?.extensions ?? [],
    httpAuthSchemeProvider: config?.httpAuthSchemeProvider ?? default${C}HttpAuthSchemeProvider,
    httpAuthSchemes: config?.httpAuthSchemes ?? [
      {
        schemeId: "aws.auth#sigv4",
        identityProvider: (ipc: IdentityProviderConfig) => ipc.getIdentityProvider("aws.auth#sigv4"),
        signer: new AwsSdkSigV4Signer(),
      },
    ],
    logger: config?.logger ?? new NoOpLogger(),
    protocol: config?.protocol ?? AwsJson1_1Protocol,
    protocolSettings: config?.protocolSettings ?? {
      defaultNamespace: ${quote(ctx.service.namespace)},
      errorTypeRegistries,
${xmlNs?.uri ? `      xmlNamespace: ${quote(xmlNs.uri)},\n` : ""}      version: ${quote(ctx.service.version)},
      serviceTarget: ${quote(ctx.service.name)},
    },
    serviceId: config?.serviceId ?? ${quote(ctx.service.sdkId)},
    sha256: config?.sha256 ?? Sha256,
    urlParser: config?.urlParser ?? parseUrl,
    utf8Decoder: config?.utf8Decoder ?? fromUtf8,
    utf8Encoder: config?.utf8Encoder ?? toUtf8,
  };
};
`;
}

function runtimeNode(ctx: Context): string {
  const C = ctx.client;
  return `${banner(ctx)}import {
  createDefaultUserAgentProvider,
  emitWarningIfUnsupportedVersion as awsCheckVersion,
  NODE_APP_ID_CONFIG_OPTIONS,
} from "@aws-sdk/core/client";
import { NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } from "@aws-sdk/core/httpAuthSchemes";
import { emitWarningIfUnsupportedVersion, loadConfigsForDefaultMode } from "@smithy/core/client";
import {
  loadConfig as loadNodeConfig,
  NODE_REGION_CONFIG_FILE_OPTIONS,
  NODE_REGION_CONFIG_OPTIONS,
  NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS,
  NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS,
  resolveDefaultsModeConfig,
} from "@smithy/core/config";
import { DEFAULT_RETRY_MODE, NODE_MAX_ATTEMPT_CONFIG_OPTIONS, NODE_RETRY_MODE_CONFIG_OPTIONS } from "@smithy/core/retry";
import { calculateBodyLength } from "@smithy/core/serde";
import { NodeHttpHandler as RequestHandler, streamCollector } from "@smithy/node-http-handler";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { ${C}ClientConfig } from "./${C}Client.js";
import { getRuntimeConfig as getSharedRuntimeConfig } from "./runtimeConfig.shared.js";
import { CLIENT_VERSION } from "./version.js";

/**
 * Node.js defaults: credentials and region from the standard provider chains (environment, shared
 * config and credentials files, SSO, web identity, container and instance metadata), retry mode and
 * attempts, FIPS and dual-stack from the environment or config, and the node:http(s) handler.
 */
export const getRuntimeConfig = (
  config: ${C}ClientConfig,
): ${C}ClientConfig & ReturnType<typeof getSharedRuntimeConfig> & ReturnType<typeof nodeDefaults> => {
  emitWarningIfUnsupportedVersion(process.version);
  const clientSharedValues = getSharedRuntimeConfig(config);
  awsCheckVersion(process.version);
  return {
    ...clientSharedValues,
    ...config,
    ...nodeDefaults(config, clientSharedValues),
  };
};

/**
 * The standard credential chain (@aws-sdk/credential-provider-node), loaded when credentials are first
 * needed rather than when this package is imported: clients given \`credentials\` never load it.
 */
const credentialDefaultProvider = (init: any): AwsCredentialIdentityProvider => {
  let provider: AwsCredentialIdentityProvider | undefined;
  return async (options) => {
    provider ??= (await import("@aws-sdk/credential-provider-node")).defaultProvider(init);
    return provider(options);
  };
};

const nodeDefaults = (config: ${C}ClientConfig, shared: ReturnType<typeof getSharedRuntimeConfig>) => {
  const defaultsMode = resolveDefaultsModeConfig(config);
  const defaultConfigProvider = () => defaultsMode().then(loadConfigsForDefaultMode);
  const loaderConfig = {
    profile: config?.profile,
    logger: shared.logger,
  };
  return {
    runtime: "node",
    defaultsMode,
    authSchemePreference: config?.authSchemePreference ?? loadNodeConfig(NODE_AUTH_SCHEME_PREFERENCE_OPTIONS, loaderConfig),
    bodyLengthChecker: config?.bodyLengthChecker ?? calculateBodyLength,
    credentialDefaultProvider: config?.credentialDefaultProvider ?? credentialDefaultProvider,
    defaultUserAgentProvider:
      config?.defaultUserAgentProvider ??
      createDefaultUserAgentProvider({ serviceId: shared.serviceId, clientVersion: CLIENT_VERSION }),
    maxAttempts: config?.maxAttempts ?? loadNodeConfig(NODE_MAX_ATTEMPT_CONFIG_OPTIONS, config),
    region: config?.region ?? loadNodeConfig(NODE_REGION_CONFIG_OPTIONS, { ...NODE_REGION_CONFIG_FILE_OPTIONS, ...loaderConfig }),
    requestHandler: RequestHandler.create(config?.requestHandler ?? defaultConfigProvider),
    retryMode:
      config?.retryMode ??
      loadNodeConfig(
        {
          ...NODE_RETRY_MODE_CONFIG_OPTIONS,
          default: async () => (await defaultConfigProvider()).retryMode || DEFAULT_RETRY_MODE,
        },
        config,
      ),
    streamCollector: config?.streamCollector ?? streamCollector,
    useDualstackEndpoint: config?.useDualstackEndpoint ?? loadNodeConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, loaderConfig),
    useFipsEndpoint: config?.useFipsEndpoint ?? loadNodeConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, loaderConfig),
    userAgentAppId: config?.userAgentAppId ?? loadNodeConfig(NODE_APP_ID_CONFIG_OPTIONS, loaderConfig),
  };
};
`;
}

function extensionConfiguration(ctx: Context): string {
  const C = ctx.client;
  return `${banner(ctx)}import type { AwsRegionExtensionConfiguration } from "@aws-sdk/types";
import type { HttpHandlerExtensionConfiguration } from "@smithy/core/protocols";
import type { DefaultExtensionConfiguration } from "@smithy/types";
import type { HttpAuthExtensionConfiguration } from "./auth/httpAuthExtensionConfiguration.js";

/** What a RuntimeExtension (plugin) can read and change when the client is built. */
export interface ${C}ExtensionConfiguration
  extends HttpHandlerExtensionConfiguration,
    DefaultExtensionConfiguration,
    AwsRegionExtensionConfiguration,
    HttpAuthExtensionConfiguration {}
`;
}

function runtimeExtensions(ctx: Context): string {
  const C = ctx.client;
  return `${banner(ctx)}import { getAwsRegionExtensionConfiguration, resolveAwsRegionExtensionConfiguration } from "@aws-sdk/core/client";
import { getDefaultExtensionConfiguration, resolveDefaultRuntimeConfig } from "@smithy/core/client";
import { getHttpHandlerExtensionConfiguration, resolveHttpHandlerRuntimeConfig } from "@smithy/core/protocols";
import { getHttpAuthExtensionConfiguration, resolveHttpAuthRuntimeConfig } from "./auth/httpAuthExtensionConfiguration.js";
import type { ${C}ExtensionConfiguration } from "./extensionConfiguration.js";

/** A plugin: configures the client through ${C}ExtensionConfiguration. */
export interface RuntimeExtension {
  configure(extensionConfiguration: ${C}ExtensionConfiguration): void;
}

export interface RuntimeExtensionsConfig {
  extensions: RuntimeExtension[];
}

/** Lets each extension see and change the configuration, then folds the result back in. */
export const resolveRuntimeExtensions = (runtimeConfig: any, extensions: RuntimeExtension[]) => {
  const extensionConfiguration: ${C}ExtensionConfiguration = Object.assign(
    getAwsRegionExtensionConfiguration(runtimeConfig),
    getDefaultExtensionConfiguration(runtimeConfig),
    getHttpHandlerExtensionConfiguration(runtimeConfig),
    getHttpAuthExtensionConfiguration(runtimeConfig),
  );
  extensions.forEach((extension) => extension.configure(extensionConfiguration));
  return Object.assign(
    runtimeConfig,
    resolveAwsRegionExtensionConfiguration(extensionConfiguration),
    resolveDefaultRuntimeConfig(extensionConfiguration),
    resolveHttpHandlerRuntimeConfig(extensionConfiguration),
    resolveHttpAuthRuntimeConfig(extensionConfiguration),
  );
};
`;
}

// Runtime wiring: auth schemes (SigV4), runtime config for Node (credentials and region from the standard
// provider chains, retries, the HTTP handler), and the extension (plugin) configuration. The text is in
// codegen/templates/src; this fills in the client's name and the service's facts.
import type { Context } from "./context";
import { sourceFromTemplate } from "./template";
import { banner, quote } from "./text";

export function emitRuntime(ctx: Context): [string, string][] {
  const Client = ctx.client;
  const xmlNs = ctx.service.shape.traits?.["smithy.api#xmlNamespace"] as { uri?: string } | undefined;
  const file = (path: string, values: Record<string, string>) => sourceFromTemplate(ctx, path, values);
  return [
    file("src/auth/httpAuthSchemeProvider.ts", { Client, signingName: quote(ctx.service.signingName) }),
    file("src/auth/httpAuthExtensionConfiguration.ts", { Client }),
    file("src/runtimeConfig.shared.ts", {
      Client,
      apiVersion: quote(ctx.service.version),
      namespace: quote(ctx.service.namespace),
      xmlNamespace: xmlNs?.uri ? `      xmlNamespace: ${quote(xmlNs.uri)},\n` : "",
      serviceTarget: quote(ctx.service.name),
      serviceId: quote(ctx.service.sdkId),
    }),
    file("src/runtimeConfig.ts", { Client }),
    file("src/extensionConfiguration.ts", { Client }),
    file("src/runtimeExtensions.ts", { Client }),
    ["src/version.ts", `${banner(ctx)}/** This package's version (sent in the user agent). */\nexport const CLIENT_VERSION = ${quote(ctx.pkg.version)};\n`],
  ];
}

// The one service shape a client is generated for, and the facts about it the emitters need.
import { UnsupportedModelError, ModelValidationError } from "../errors";
import { namespaceOf, nameOf, type Model, type Shape } from "./types";

export interface ServiceInfo {
  id: string;
  shape: Shape;
  namespace: string;
  /** Service shape name, e.g. TrentService (the X-Amz-Target prefix). */
  name: string;
  /** sdkId from aws.api#service with spaces removed, e.g. KMS. */
  sdkId: string;
  version: string;
  signingName: string;
}

export function serviceOf(model: Model): ServiceInfo {
  const services = Object.entries(model.shapes).filter(([, s]) => s.type === "service");
  if (services.length !== 1) {
    throw new ModelValidationError("<model>", `expected exactly one service shape, found ${services.length}`);
  }
  const [id, shape] = services[0]!;
  const traits = shape.traits ?? {};
  const api = traits["aws.api#service"] as { sdkId?: string } | undefined;
  const sigv4 = traits["aws.auth#sigv4"] as { name?: string } | undefined;
  if (!api?.sdkId) throw new UnsupportedModelError(id, "has no aws.api#service sdkId");
  // The sdkId names classes and files (KMSClient, KMSServiceException.ts): it must make a plain identifier.
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(api.sdkId.replace(/\s+/g, ""))) {
    throw new ModelValidationError(id, `aws.api#service sdkId ${JSON.stringify(api.sdkId)} cannot name a client`);
  }
  if (!sigv4?.name) throw new UnsupportedModelError(id, "has no aws.auth#sigv4 signing name");
  if (!("aws.protocols#awsJson1_1" in traits)) {
    throw new UnsupportedModelError(id, "only the aws.protocols#awsJson1_1 protocol is supported");
  }
  if (typeof shape.version !== "string") throw new ModelValidationError(id, "service has no version");
  return {
    id,
    shape,
    namespace: namespaceOf(id),
    name: nameOf(id),
    sdkId: api.sdkId.replace(/\s+/g, ""),
    version: shape.version,
    signingName: sigv4.name,
  };
}

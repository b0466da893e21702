// Smithy's prelude (namespace smithy.api) is built into every model, so models do not carry it.
// We hold the shapes that members and operations may target; trait definitions are not needed.
import type { Shape } from "./types";

const simple = (type: string, traits?: Record<string, unknown>): Shape => (traits ? { type, traits } : { type });

export const PRELUDE: Record<string, Shape> = {
  "smithy.api#Unit": simple("structure", { "smithy.api#unitType": {} }),
  "smithy.api#String": simple("string"),
  "smithy.api#Blob": simple("blob"),
  "smithy.api#Boolean": simple("boolean"),
  "smithy.api#PrimitiveBoolean": simple("boolean", { "smithy.api#default": false }),
  "smithy.api#Byte": simple("byte"),
  "smithy.api#PrimitiveByte": simple("byte", { "smithy.api#default": 0 }),
  "smithy.api#Short": simple("short"),
  "smithy.api#PrimitiveShort": simple("short", { "smithy.api#default": 0 }),
  "smithy.api#Integer": simple("integer"),
  "smithy.api#PrimitiveInteger": simple("integer", { "smithy.api#default": 0 }),
  "smithy.api#Long": simple("long"),
  "smithy.api#PrimitiveLong": simple("long", { "smithy.api#default": 0 }),
  "smithy.api#Float": simple("float"),
  "smithy.api#PrimitiveFloat": simple("float", { "smithy.api#default": 0 }),
  "smithy.api#Double": simple("double"),
  "smithy.api#PrimitiveDouble": simple("double", { "smithy.api#default": 0 }),
  "smithy.api#BigInteger": simple("bigInteger"),
  "smithy.api#BigDecimal": simple("bigDecimal"),
  "smithy.api#Timestamp": simple("timestamp"),
  "smithy.api#Document": simple("document"),
};

// The named model transforms, applied in this order after validation and before any emitter runs.
// Each takes a model and returns a model (the same object when it has nothing to do).
import type { Model } from "../model/types";
import { ensureRecipientInfo } from "./ensureRecipientInfo";

export interface Transform {
  name: string;
  apply(model: Model): Model;
}

export const TRANSFORMS: Transform[] = [{ name: "ensureRecipientInfo", apply: ensureRecipientInfo }];

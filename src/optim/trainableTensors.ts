/**
 * The trainable tensors of a LlamaModel for AdamW: every parameter with its gradient view, or none when the base
 * is frozen (LoRA trains only its adapters; their tensors are added by the caller).
 */
import type { LlamaModel } from "../model/LlamaModel.js";
import type { TrainableTensor } from "./AdamW.js";

export function trainableTensors(model: LlamaModel): TrainableTensor[] {
    if (model.frozenBase || model.grads === null) {
        return [];
    }
    return model.layout.map((spec) => ({ name: spec.name, param: model.tensor(spec.name), grad: model.grad(spec.name), kind: spec.kind }));
}

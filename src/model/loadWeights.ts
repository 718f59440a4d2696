/**
 * loadWeights: puts an opened model's tensors into a LlamaModel (training and merging work in F32): the source's
 * config must give the model's shapes, every tensor must be present with its exact shape; half and quantized
 * tensors are widened to F32 one at a time.
 * @example
 * using source = openModel(dir);
 * const model = new LlamaModel({ config: source.config, kernels, maxBatch: 4, maxT: 512 });
 * loadWeights(model, source);
 */
import type { ModelSource } from "../formats/model/ModelSource.js";
import type { LlamaModel } from "./LlamaModel.js";
import { checkSameShape, modelTensors } from "./modelTensors.js";

export function loadWeights(model: LlamaModel, source: ModelSource): void {
    checkSameShape(source, model.config);
    for (const { spec, tensor } of modelTensors(source)) {
        model.tensor(spec.name).set(tensor.readF32());
    }
}

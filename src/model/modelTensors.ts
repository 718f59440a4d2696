/**
 * The tensors of a ModelSource that a LLaMA model of its config needs, matched to the parameter layout by name,
 * with every shape checked (not only the element count). Errors name the file and the tensor.
 */
import { FormatError } from "../errors/MellamaError.js";
import type { ModelSource, ModelTensor } from "../formats/model/ModelSource.js";
import type { LlamaConfig } from "./LlamaConfig.js";
import { type ParameterSpec, parameterLayout } from "./parameterLayout.js";

export interface MatchedTensor {
    spec: ParameterSpec;
    tensor: ModelTensor;
}

const SHAPE_FIELDS = ["dim", "nLayers", "nHeads", "nKvHeads", "hiddenDim", "vocabSize", "tieEmbeddings"] as const;

/** Throws naming the first field in which `source`'s config differs from `config` in a way that changes a shape. */
export function checkSameShape(source: ModelSource, config: LlamaConfig): void {
    for (const field of SHAPE_FIELDS) {
        if (source.config[field] !== config[field]) {
            throw new FormatError(source.dir, field, `the file's model has ${String(source.config[field])}, this model needs ${String(config[field])}`);
        }
    }
}

export function modelTensors(source: ModelSource): MatchedTensor[] {
    // The layer count sizes the layout: bound it by the layers the file holds before building anything from it.
    let layers = 0;
    for (const name of source.tensors.keys()) {
        const m = /^model\.layers\.(\d+)\./.exec(name);
        layers = m === null ? layers : Math.max(layers, Number(m[1]) + 1);
    }
    if (source.config.nLayers !== layers) {
        throw new FormatError(source.dir, "nLayers", `the config says ${source.config.nLayers} layers, the file holds tensors for ${layers}`);
    }
    return parameterLayout(source.config).map((spec) => {
        const tensor = source.tensors.get(spec.hfName);
        if (tensor === undefined) {
            throw new FormatError(source.dir, spec.hfName, "missing");
        }
        if (tensor.shape.length !== spec.shape.length || tensor.shape.some((d, i) => d !== spec.shape[i])) {
            throw new FormatError(source.dir, spec.hfName, `shape [${tensor.shape.join(", ")}], the config needs [${spec.shape.join(", ")}]`);
        }
        return { spec, tensor };
    });
}

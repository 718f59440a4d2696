/**
 * loadInferenceWeights: reads an opened model's tensors for inference, each kept in its storage type (F32, F16,
 * BF16 or a ggml block type: Q8_0, Q4_0, Q4_K, Q6_K...), memory-mapped from the file where its bytes are already in
 * HF order (as llama.cpp does: the weights share the page cache, so a model that fits in memory once loads from the
 * cache even when it would not fit twice), else read by position into its own buffer: no F32 copy and no single
 * arena. The sizes are checked first
 * (config against the tensors, every shape) and the total against the memory available, so a model that cannot fit
 * is refused with the sizes named before anything is read. `quantize: "q8_0"` converts F32/F16/BF16 linear weights
 * (and the lm_head) to Q8_0 as they are read, as llama.cpp's quantizer does; embeddings and norms stay as stored.
 */
import { freemem } from "node:os";
import { FormatError } from "../../errors/MellamaError.js";
import { adviseHugePages } from "../../kernels/native/nativeKernels.js";
import type { ModelSource, ModelTensor } from "../../formats/model/ModelSource.js";
import { Q8_0_BLOCK, q8_0ByteSize, quantizeQ8_0 } from "../../formats/quant/q8_0.js";
import { modelTensors } from "../modelTensors.js";
import type { InferenceWeights, LayerWeights, StoredWeight } from "./InferenceWeights.js";

export interface LoadInferenceWeightsOptions {
    /** Convert F32/F16/BF16 linear weights to Q8_0 on load. */
    quantize?: "q8_0";
    /** Bytes the caller will need beside the weights (KV cache, activations); counted in the memory check. */
    extraBytes?: number;
    /** Map weights from the file where possible (default true); false reads every weight into memory of its own. */
    mmap?: boolean;
    /** The memory available, for tests; default os.freemem() (Linux: MemAvailable, which counts reclaimable page cache). */
    availableBytes?: number;
}

const GiB = 1024 ** 3;

export function loadInferenceWeights(
    source: ModelSource, { quantize, extraBytes = 0, mmap = true, availableBytes = freemem() }: LoadInferenceWeightsOptions = {},
): InferenceWeights {
    const matched = modelTensors(source);
    const converts = (t: ModelTensor, linear: boolean): boolean => quantize === "q8_0" && linear && t.storage !== "Q8_0" && t.shape[1]! % Q8_0_BLOCK === 0;
    let bytes = 0;
    for (const { spec, tensor } of matched) {
        const linear = spec.kind === "linear";
        bytes += spec.kind === "norm" ? spec.size * 4 : converts(tensor, linear) ? q8_0ByteSize(spec.size) : tensor.byteSize;
    }
    if (bytes + extraBytes > availableBytes) {
        throw new FormatError(source.dir, "size", `holding this model takes ${(bytes / GiB).toFixed(1)} GiB of weights`
            + `${extraBytes > 0 ? ` and ${(extraBytes / GiB).toFixed(1)} GiB for the cache and activations` : ""}, `
            + `but only ${(availableBytes / GiB).toFixed(1)} GiB of memory is available`);
    }
    const byName = new Map<string, StoredWeight>();
    const norms = new Map<string, Float32Array>();
    for (const { spec, tensor } of matched) {
        if (spec.kind === "norm") {
            norms.set(spec.name, tensor.readF32());
        } else if (converts(tensor, spec.kind === "linear")) {
            byName.set(spec.name, { type: "Q8_0", data: quantizeQ8_0(tensor.readF32()) });
        } else {
            byName.set(spec.name, stored(tensor, mmap));
        }
    }
    const c = source.config;
    const layers = Array.from({ length: c.nLayers }, (_, l): LayerWeights => {
        const w = (name: string): StoredWeight => byName.get(`layers.${l}.${name}`)!;
        return {
            inputLayernorm: norms.get(`layers.${l}.inputLayernorm`)!, postAttentionLayernorm: norms.get(`layers.${l}.postAttentionLayernorm`)!,
            qProj: w("qProj"), kProj: w("kProj"), vProj: w("vProj"), oProj: w("oProj"), gateProj: w("gateProj"), upProj: w("upProj"), downProj: w("downProj"),
        };
    });
    const embedTokens = byName.get("embedTokens")!;
    return { config: c, embedTokens, layers, norm: norms.get("norm")!, lmHead: c.tieEmbeddings ? embedTokens : byName.get("lmHead")!, bytes };
}

/** A zeroed buffer advised onto 2 MiB pages before it is written, so its pages are huge from the first fault. */
function hugePageBuffer(byteSize: number): Uint8Array {
    const out = new Uint8Array(byteSize);
    adviseHugePages(out);
    return out;
}

/** The tensor's bytes, mapped or in a buffer of its own, viewed as its storage type. */
function stored(t: ModelTensor, mmap: boolean): StoredWeight {
    const bytes = (mmap ? t.mapBytes() : null) ?? t.readBytes(hugePageBuffer(t.byteSize));
    switch (t.storage) {
        case "F32":
            return { type: "F32", data: new Float32Array(bytes.buffer, bytes.byteOffset, t.byteSize / 4) };
        case "F16":
        case "BF16":
            return { type: t.storage, data: new Uint16Array(bytes.buffer, bytes.byteOffset, t.byteSize / 2) };
        default:
            return { type: t.storage, data: bytes };
    }
}

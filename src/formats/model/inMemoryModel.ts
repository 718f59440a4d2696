/**
 * F32 tensors already in memory (by Hugging Face name, PyTorch shape) as a ModelSource, so a model built or
 * converted in memory goes through the same loadWeights checks as one opened from a file.
 */
import type { LlamaConfig } from "../../model/LlamaConfig.js";
import type { LoadedTokenizer } from "../../tokenizer/loadTokenizer.js";
import type { ModelSource, ModelTensor } from "./ModelSource.js";

export interface InMemoryTensor {
    shape: readonly number[];
    data: Float32Array;
}

export function inMemoryModel({ path, config, tensors, tokenizer = null, chatTemplate }: {
    path: string; config: LlamaConfig; tensors: ReadonlyMap<string, InMemoryTensor>; tokenizer?: LoadedTokenizer | null; chatTemplate?: string;
}): ModelSource {
    const out = new Map<string, ModelTensor>();
    let weightBytes = 0;
    for (const [name, t] of tensors) {
        weightBytes += t.data.byteLength;
        out.set(name, {
            name, shape: t.shape, storage: "F32", byteSize: t.data.byteLength,
            readBytes: (into) => {
                const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
                if (into === undefined) {
                    return bytes.slice();
                }
                into.set(bytes);
                return into.subarray(0, bytes.byteLength);
            },
            mapBytes: () => null,
            readF32: () => t.data.slice(),
        });
    }
    return {
        path, dir: path, format: "hf", config, tokenizer, chatTemplate, addBos: true, addEos: false, tensors: out, weightBytes,
        close: () => undefined,
        [Symbol.dispose]: () => undefined,
    };
}

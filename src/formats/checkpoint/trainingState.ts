/**
 * The float32 tensor files of a mellama checkpoint, beside the Hugging Face files of the model:
 *   model.safetensors / adapter_model.safetensors   weights (F32, PyTorch shapes and names)
 *   optimizer.safetensors                            AdamW first and second moments, stored as F32 exactly so a
 *                                                    resumed run continues bit for bit
 * Both directions go through the safetensors implementation in `../safetensors` (atomic write, validated header,
 * offsets checked against the file before anything is allocated); this module only adapts named Float32Arrays.
 */
import { SafetensorsFile } from "../safetensors/SafetensorsFile.js";
import { writeSafetensors } from "../safetensors/writeSafetensors.js";

export interface NamedArray {
    name: string;
    data: Float32Array;
    /** PyTorch shape; default [data.length]. */
    shape?: readonly number[];
}

/** Writes F32 tensors as a safetensors file, in the order given (temporary name, fsync, rename). */
export function writeF32Safetensors(path: string, tensors: readonly NamedArray[], metadata: Record<string, string> = {}): void {
    writeSafetensors(path, {
        metadata,
        tensors: tensors.map((t) => ({
            name: t.name, dtype: "F32" as const, shape: t.shape ?? [t.data.length],
            data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
        })),
    });
}

/** Reads every tensor of a safetensors file as float32 (F16, BF16 and F64 widened or narrowed). */
export function readF32Safetensors(path: string): Map<string, Float32Array> {
    const file = SafetensorsFile.open(path);
    try {
        return new Map(file.tensors.map((t) => [t.name, file.readF32(t.name)]));
    } finally {
        file.close();
    }
}

/**
 * openModel(path): the one way any model file or directory is opened. It takes
 *   - a GGUF file (llama architecture);
 *   - a Hugging Face directory: config.json with model.safetensors or model.safetensors.index.json shards (F32, F16,
 *     BF16), or a .safetensors file with config.json beside it;
 *   - a mellama training checkpoint (checkpoints/step-N, an HF directory with training_state.json) or a run
 *     directory, which opens its latest complete checkpoint.
 * Only headers are read; tensors are read one at a time by whoever loads them (loadWeights / loadInferenceWeights).
 * PyTorch pickles (pytorch_model.bin) are refused with the command that converts them: unpickling can run code.
 * Close the result (or `using`) when done; it holds file descriptors.
 * @example
 * using model = openModel("models/me-llama-13b");
 * console.log(model.config.nLayers, model.weightBytes);
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { FormatError } from "../../errors/MellamaError.js";
import { openGgufModel } from "./openGgufModel.js";
import { openHfModel } from "./openHfModel.js";
import type { ModelSource } from "./ModelSource.js";

/** True when `path` is a regular file that starts with the GGUF magic. */
export function isGgufFile(path: string): boolean {
    if (!existsSync(path) || !statSync(path).isFile()) {
        return false;
    }
    const head = Buffer.alloc(4);
    const fd = openSync(path, "r");
    try {
        readSync(fd, head, 0, 4, 0);
    } finally {
        closeSync(fd);
    }
    return head.toString("latin1") === "GGUF";
}

export function openModel(path: string): ModelSource {
    if (!existsSync(path)) {
        throw new FormatError(path, "path", "no such file or directory");
    }
    const stat = statSync(path);
    if (stat.isFile()) {
        if (isGgufFile(path)) {
            return openGgufModel(path);
        }
        if (path.endsWith(".safetensors")) {
            return openHfModel(path, path, "hf");
        }
        throw new FormatError(path, "format", "not a GGUF file (no GGUF magic) and not a .safetensors file");
    }
    if (!stat.isDirectory()) {
        throw new FormatError(path, "path", "is not a regular file or a directory");
    }
    const latest = latestCheckpoint(path);
    if (latest !== null) {
        return openHfModel(path, latest, "checkpoint");
    }
    const has = (name: string): boolean => existsSync(join(path, name));
    if (!has("config.json")) {
        if (has("adapter_config.json")) {
            throw new FormatError(path, "adapter_config.json", "this is a LoRA adapter, not a model: open its base model and pass the adapter with --adapter");
        }
        throw new FormatError(path, "config.json", "missing: not a Hugging Face model directory, a GGUF file or a mellama run");
    }
    if (!has("model.safetensors") && !has("model.safetensors.index.json") && (has("pytorch_model.bin") || has("pytorch_model.bin.index.json"))) {
        throw new FormatError(path, "pytorch_model.bin", "PyTorch pickles are not read (loading one can run code); convert the directory to safetensors "
            + "with transformers: AutoModelForCausalLM.from_pretrained(DIR).save_pretrained(OUT, safe_serialization=True)");
    }
    return openHfModel(path, path, has("training_state.json") ? "checkpoint" : "hf");
}

/** A run directory's newest complete checkpoint (checkpoints/latest, else the highest step-N), or null for any other directory. */
function latestCheckpoint(dir: string): string | null {
    const checkpoints = join(dir, "checkpoints");
    if (existsSync(join(dir, "config.json")) || !existsSync(checkpoints) || !statSync(checkpoints).isDirectory()) {
        return null;
    }
    const pointer = join(checkpoints, "latest");
    if (existsSync(pointer) && statSync(pointer).isFile() && statSync(pointer).size < 4096) {
        const name = readFileSync(pointer, "utf8").trim();
        if (/^step-\d+$/.test(name) && existsSync(join(checkpoints, name, "training_state.json"))) {
            return join(checkpoints, name);
        }
    }
    throw new FormatError(dir, "checkpoints/latest", "this run has no complete checkpoint yet");
}

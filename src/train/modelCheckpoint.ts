/**
 * Model + optimizer checkpoint files for the training loop: the model in Hugging Face layout (config.json,
 * model.safetensors with HF tensor names and shapes, generation_config.json, the tokenizer files copied), the
 * AdamW moments in optimizer.safetensors, and training_state.json (written last) with the step and the run's
 * identity. `loadModelCheckpoint` refuses a checkpoint whose identity differs, naming the field.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { MellamaError } from "../errors/MellamaError.js";
import { readF32Safetensors, writeF32Safetensors } from "../formats/checkpoint/trainingState.js";
import { toHfConfig } from "../model/hfConfig.js";
import type { LlamaModel } from "../model/LlamaModel.js";
import type { AdamW } from "../optim/AdamW.js";
import { writeTokenizerConfig } from "../tokenizer/writeTokenizerConfig.js";
import { TRAINING_STATE_FILE } from "./CheckpointManager.js";

export class ResumeMismatchError extends MellamaError {
    public constructor(public readonly field: string, saved: unknown, current: unknown) {
        super("RESUME_MISMATCH", `resume refused: the checkpoint was made with ${field} = ${JSON.stringify(saved)}, this run has ${JSON.stringify(current)}; `
            + "start a new output directory or restore the original settings");
    }
}

export interface TrainingState {
    step: number;
    optimizerStep: number;
    /** Everything that must match for a bit-exact resume. */
    identity: Record<string, unknown>;
    /** Extra RNG states (LoRA dropout). */
    rng?: Record<string, number[]>;
}

export interface SaveModelOptions {
    model: LlamaModel;
    tokenizerFiles?: readonly string[];
    /** Written into tokenizer_config.json as chat_template (kept from the copied file when absent). */
    chatTemplate?: string;
    bosTokenId?: number;
    eosTokenId?: number;
}

/** Writes config.json, generation_config.json, model.safetensors and the tokenizer files into dir. */
export function saveHfModel(dir: string, { model, tokenizerFiles = [], chatTemplate, bosTokenId, eosTokenId }: SaveModelOptions): void {
    writeFileSync(join(dir, "config.json"), `${JSON.stringify(toHfConfig(model.config, { bosTokenId, eosTokenId }), null, 2)}\n`);
    writeFileSync(join(dir, "generation_config.json"), `${JSON.stringify({ _from_model_config: true, bos_token_id: bosTokenId, eos_token_id: eosTokenId }, null, 2)}\n`);
    writeF32Safetensors(join(dir, "model.safetensors"), model.layout.map((spec) => ({
        name: spec.hfName, data: model.tensor(spec.name), shape: spec.shape,
    })), { format: "pt" });
    for (const file of tokenizerFiles) {
        // tokenizer_config.json says the model's real context (model_max_length) and the template it was tuned on.
        if (basename(file) === "tokenizer_config.json") {
            writeTokenizerConfig(join(dir, "tokenizer_config.json"), { from: file, modelMaxLength: model.config.maxSeqLen, chatTemplate });
        } else if (existsSync(file)) {
            copyFileSync(file, join(dir, basename(file)));
        }
    }
}

export function saveModelCheckpoint(dir: string, options: SaveModelOptions & { optimizer: AdamW; state: TrainingState }): void {
    saveHfModel(dir, options);
    const m = options.optimizer.m;
    const v = options.optimizer.v;
    writeF32Safetensors(join(dir, "optimizer.safetensors"), [{ name: "m", data: m }, { name: "v", data: v }],
        { tensors: options.optimizer.tensors.map((t) => t.name).join(",") });
    writeFileSync(join(dir, TRAINING_STATE_FILE), `${JSON.stringify(options.state, null, 2)}\n`);
}

/** Checks identity, then restores weights and moments in place; returns the saved state. */
export function loadModelCheckpoint(dir: string, { model, optimizer, identity }: { model: LlamaModel; optimizer: AdamW; identity: Record<string, unknown> }): TrainingState {
    const state = JSON.parse(readFileSync(join(dir, TRAINING_STATE_FILE), "utf8")) as TrainingState;
    for (const key of new Set([...Object.keys(identity), ...Object.keys(state.identity)])) {
        if (JSON.stringify(identity[key]) !== JSON.stringify(state.identity[key])) {
            throw new ResumeMismatchError(key, state.identity[key], identity[key]);
        }
    }
    const weights = readF32Safetensors(join(dir, "model.safetensors"));
    for (const spec of model.layout) {
        const w = weights.get(spec.hfName);
        if (w === undefined || w.length !== spec.size) {
            throw new ResumeMismatchError(`tensor ${spec.hfName}`, w?.length ?? "missing", spec.size);
        }
        model.tensor(spec.name).set(w);
    }
    const moments = readF32Safetensors(join(dir, "optimizer.safetensors"));
    const m = moments.get("m");
    const v = moments.get("v");
    if (m === undefined || v === undefined || m.length !== optimizer.m.length || v.length !== optimizer.v.length) {
        throw new ResumeMismatchError("optimizer moments", m?.length ?? "missing", optimizer.m.length);
    }
    optimizer.m.set(m);
    optimizer.v.set(v);
    optimizer.stepCount = state.optimizerStep;
    return state;
}

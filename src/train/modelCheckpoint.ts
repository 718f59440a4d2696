/**
 * Model + optimizer checkpoint files for the training loop: the model in Hugging Face layout through the one HF
 * writer (config.json, model.safetensors or shards with an index, F32, HF tensor names and shapes,
 * generation_config.json, the tokenizer files copied), the AdamW moments in optimizer.safetensors, and
 * training_state.json (written last) with the step and the run's identity. Loading reads the weights back through
 * the one model loader, one tensor at a time, after `readTrainingState` has checked the identity.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openModel } from "../formats/model/openModel.js";
import { writeHfCheckpoint } from "../formats/hf/writeHfCheckpoint.js";
import type { LlamaModel } from "../model/LlamaModel.js";
import { loadWeights } from "../model/loadWeights.js";
import type { AdamW } from "../optim/AdamW.js";
import { TRAINING_STATE_FILE } from "./CheckpointManager.js";
import { readOptimizerState, writeOptimizerState } from "./optimizerState.js";
import { ResumeMismatchError } from "./ResumeMismatchError.js";

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

/**
 * Writes config.json, generation_config.json, the F32 weights and the tokenizer files into dir; tokenizer_config.json
 * gets the model's real context and the chat template it was tuned on.
 */
export function saveHfModel(dir: string, { model, tokenizerFiles = [], chatTemplate, bosTokenId, eosTokenId }: SaveModelOptions): void {
    writeHfCheckpoint({
        dir, config: model.config, dtype: "F32", bosTokenId, eosTokenId,
        tensors: model.layout.map((spec) => ({ name: spec.hfName, shape: spec.shape, data: () => model.tensor(spec.name) })),
        copyFiles: tokenizerFiles.filter((file) => existsSync(file)), ...(chatTemplate === undefined ? {} : { chatTemplate }),
    });
}

export function saveModelCheckpoint(dir: string, options: SaveModelOptions & { optimizer: AdamW; state: TrainingState }): void {
    saveHfModel(dir, options);
    writeOptimizerState(dir, options.optimizer);
    writeFileSync(join(dir, TRAINING_STATE_FILE), `${JSON.stringify(options.state, null, 2)}\n`);
}

/** The checkpoint's training_state.json, refused when any identity field differs from this run's. */
export function readTrainingState(dir: string, identity: Record<string, unknown>): TrainingState {
    const state = JSON.parse(readFileSync(join(dir, TRAINING_STATE_FILE), "utf8")) as TrainingState;
    for (const key of new Set([...Object.keys(identity), ...Object.keys(state.identity)])) {
        if (JSON.stringify(identity[key]) !== JSON.stringify(state.identity[key])) {
            throw new ResumeMismatchError(key, state.identity[key], identity[key]);
        }
    }
    return state;
}

/** Checks identity, then restores weights and moments in place; returns the saved state. */
export function loadModelCheckpoint(dir: string,
    { model, optimizer, identity }: { model: LlamaModel; optimizer: AdamW; identity: Record<string, unknown> }): TrainingState {
    const state = readTrainingState(dir, identity);
    using source = openModel(dir);
    loadWeights(model, source);
    readOptimizerState(dir, optimizer);
    optimizer.stepCount = state.optimizerStep;
    return state;
}

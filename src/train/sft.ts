/**
 * LoRA instruction tuning the Me-LLaMA way: the base frozen, adapters on the chosen linear layers, conversations
 * rendered with the chosen chat template and the loss on assistant turns only (sftSequences.ts), 3 epochs at
 * learning rate 1e-5 by default, cosine schedule with warmup, checkpoints of the adapter in PEFT layout with the
 * optimizer state, bit-for-bit resume. Each adapter directory carries the base's tokenizer files and a
 * tokenizer_config.json whose chat_template is the template trained on, so merging, exporting and serving use the
 * same one. The library function behind `mellama sft`. Not here: reading files (runSft.ts), the loop
 * (trainingLoop.ts), merging (lora/peftAdapter.ts).
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { ConfigError } from "../errors/MellamaError.js";
import { readF32Safetensors } from "../formats/checkpoint/trainingState.js";
import { getKernelSet } from "../kernels/index.js";
import { LlamaModel } from "../model/LlamaModel.js";
import { LoraAdapters, type LoraTarget } from "../model/lora/LoraAdapters.js";
import { saveLoraAdapter } from "../model/lora/peftAdapter.js";
import { AdamW } from "../optim/AdamW.js";
import { cosineSchedule } from "../optim/cosineSchedule.js";
import { TRAINING_STATE_FILE } from "./CheckpointManager.js";
import { readTrainingState, type TrainingState } from "./modelCheckpoint.js";
import { readOptimizerState, writeOptimizerState } from "./optimizerState.js";
import type { SftConfig } from "./SftConfig.js";
import { buildSftSequences, encodeConversation, IGNORE_INDEX, type SftExample, type SftSequences, type SftTokenizer } from "./sftSequences.js";
import { packSftSequences } from "./packSftSequences.js";
import { chatTemplateOfSetting } from "../tokenizer/chatTemplates.js";
import { writeTokenizerConfig } from "../tokenizer/writeTokenizerConfig.js";
import { EpochOrder } from "./TokenDataset.js";
import { runTrainingLoop, type TrainingLoopResult } from "./trainingLoop.js";
import type { ModelSource } from "../formats/model/ModelSource.js";
import { loadWeights } from "../model/loadWeights.js";

export interface SftInputs {
    config: SftConfig;
    /** The base model, opened with openModel. */
    base: ModelSource;
    tokenizer: SftTokenizer & { hash: string; padId: number | null; vocabSize: number };
    train: readonly SftExample[];
    validation?: readonly SftExample[];
    resume?: boolean;
    /** Start over in a run directory that holds checkpoints of an earlier run (its checkpoints and log are removed). */
    overwrite?: boolean;
}

export interface SftResult extends TrainingLoopResult {
    model: LlamaModel;
    adapters: LoraAdapters;
    /** Rows trained on and assistant tokens carrying loss per epoch. */
    rows: number;
    lossTokens: number;
    /** Fraction of the training rows' positions holding conversation tokens (the rest is padding). */
    packingEfficiency: number;
    /** The Jinja source of the chat template trained on (written into each adapter's tokenizer_config.json). */
    chatTemplate: string;
}

/** The base's tokenizer files, and its tokenizer_config.json with the template trained on and the real context. */
function saveTokenizerFiles(dir: string, base: ModelSource, chatTemplate: string, tokenizer: SftTokenizer): void {
    for (const name of ["tokenizer.model", "tokenizer.json", "special_tokens_map.json"]) {
        if (existsSync(join(base.dir, name))) {
            copyFileSync(join(base.dir, name), join(dir, name));
        }
    }
    writeTokenizerConfig(join(dir, "tokenizer_config.json"), { from: join(base.dir, "tokenizer_config.json"), modelMaxLength: base.config.maxSeqLen, chatTemplate,
        bosToken: tokenizer.idToPiece(tokenizer.bosId), eosToken: tokenizer.idToPiece(tokenizer.eosId) });
}

interface Rows {
    tokens: Int32Array;
    targets: Int32Array;
    /** (rows, T) per-conversation positions of packed rows; null for one conversation per row. */
    positions: Int32Array | null;
    rows: number;
}

/** Drops rows whose targets are all ignored (a row of prompt only carries no loss). */
function keepLearnable({ tokens, targets, positions, rows }: SftSequences, T: number): Rows {
    const keep: number[] = [];
    for (let r = 0; r < rows; r++) {
        if (targets.subarray(r * T, (r + 1) * T).some((t) => t !== IGNORE_INDEX)) {
            keep.push(r);
        }
    }
    const outTokens = new Int32Array(keep.length * T);
    const outTargets = new Int32Array(keep.length * T);
    const outPositions = positions === null ? null : new Int32Array(keep.length * T);
    keep.forEach((r, i) => {
        outTokens.set(tokens.subarray(r * T, (r + 1) * T), i * T);
        outTargets.set(targets.subarray(r * T, (r + 1) * T), i * T);
        outPositions?.set(positions!.subarray(r * T, (r + 1) * T), i * T);
    });
    return { tokens: outTokens, targets: outTargets, positions: outPositions, rows: keep.length };
}

export function sft({ config, base, tokenizer, train, validation = [], resume = false, overwrite = false }: SftInputs): SftResult {
    if (base.config.vocabSize !== tokenizer.vocabSize) {
        throw new ConfigError("tokenizer", `the tokenizer has ${tokenizer.vocabSize} tokens, the base model's vocabulary ${base.config.vocabSize}`);
    }
    const T = Math.min(config.seqLen, base.config.maxSeqLen);
    const B = config.microBatchSize;
    const K = config.gradAccum;
    const padId = tokenizer.padId ?? tokenizer.eosId;
    const chatTemplate = chatTemplateOfSetting(config.template);
    const toRows = config.layout === "pack" ? packSftSequences : buildSftSequences;
    const encode = (examples: readonly SftExample[]): SftSequences =>
        toRows(examples.map((e) => encodeConversation(tokenizer, e, { jinja: chatTemplate }, config.lossOn)), T, padId);
    const built = encode(train);
    const data = keepLearnable(built, T);
    if (data.rows < B) {
        throw new ConfigError("data.train", `${data.rows} training rows are fewer than one micro-batch of ${B}`);
    }
    const val = validation.length > 0 ? keepLearnable(encode(validation), T) : null;
    const totalSteps = config.maxSteps ?? Math.floor(Math.floor((config.epochs * data.rows) / B) / K);
    if (totalSteps < 1) {
        throw new ConfigError("data.train", `${data.rows} rows make no full step of ${B}×${K}`);
    }
    const kernels = getKernelSet({ kind: config.kernels, threads: config.threads });
    const model = new LlamaModel({ config: base.config, kernels, maxBatch: B, maxT: T });
    loadWeights(model, base);
    const adapters = LoraAdapters.attach(model, { r: config.lora.r, alpha: config.lora.alpha, dropout: config.lora.dropout,
        targets: config.lora.targets as LoraTarget[], seed: config.seed });
    const opt = config.optimizer;
    const optimizer = new AdamW({ kernels, tensors: [{ name: "lora", param: adapters.params, grad: adapters.grads, kind: "linear" }],
        beta1: opt.beta1, beta2: opt.beta2, eps: opt.eps, weightDecay: opt.weightDecay });
    const lrAt = cosineSchedule({ maxLr: opt.lr, totalSteps, warmupRatio: opt.warmupRatio, minLr: opt.lr * opt.minLrRatio });
    const order = new EpochOrder(data.rows, config.seed);
    const packed = data.positions !== null;
    const batches = Array.from({ length: K }, () => ({ tokens: new Int32Array(B * T), targets: new Int32Array(B * T),
        positions: packed ? new Int32Array(B * T) : undefined }));
    type Batch = (typeof batches)[number];
    const fill = (src: Rows, rowAt: (i: number) => number, g: number, mb: Batch): void => {
        for (let r = 0; r < B; r++) {
            const row = rowAt(g * B + r);
            mb.tokens.set(src.tokens.subarray(row * T, (row + 1) * T), r * T);
            mb.targets.set(src.targets.subarray(row * T, (row + 1) * T), r * T);
            mb.positions?.set(src.positions!.subarray(row * T, (row + 1) * T), r * T);
        }
    };
    const identity = {
        base: base.config, tokenizer: tokenizer.hash, seed: config.seed, microBatchSize: B, gradAccum: K, seqLen: T,
        rows: data.rows, totalSteps, lora: config.lora, optimizer: opt, layout: config.layout,
        template: createHash("sha256").update(chatTemplate).digest("hex").slice(0, 16), lossOn: config.lossOn,
    };
    const validate = val === null ? undefined : (): number => {
        adapters.training = false;
        const count = Math.min(config.evalBatches, Math.floor(val.rows / B));
        const mb = batches[0]!;
        let sum = 0;
        for (let g = 0; g < count; g++) {
            fill(val, (i) => i, g, mb);
            sum += model.forward(mb.tokens, mb.targets, B, T, { computeGrad: false, positions: mb.positions });
        }
        adapters.training = true;
        return count > 0 ? sum / count : Number.NaN;
    };
    mkdirSync(config.output, { recursive: true });
    const result = runTrainingLoop({
        runDir: config.output, title: "sft", model, optimizer, totalSteps, gradAccum: K, B, T,
        batchAt: (step, k) => {
            const mb = batches[k]!;
            fill(data, (i) => order.at(i), step * K + k, mb);
            return mb;
        },
        lrAt, maxGradNorm: opt.gradClip > 0 ? opt.gradClip : null, extraGrads: [adapters.grads], validate,
        evalEvery: config.evalEvery, checkpointEvery: config.checkpointEvery, keepCheckpoints: config.keepCheckpoints,
        logEvery: config.logEvery, resume, overwrite,
        saveCheckpoint: (dir, step) => {
            saveLoraAdapter(dir, adapters, base.path);
            saveTokenizerFiles(dir, base, chatTemplate, tokenizer);
            writeOptimizerState(dir, optimizer);
            const state: TrainingState = { step, optimizerStep: optimizer.stepCount, identity, rng: { dropout: adapters.rngState() } };
            writeFileSync(join(dir, TRAINING_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
        },
        loadCheckpoint: (dir) => {
            const state = readTrainingState(dir, identity);
            const saved = readF32Safetensors(join(dir, "adapter_model.safetensors"));
            const r = adapters.options.r;
            for (const t of adapters.tensors) {
                adapters.params.set(saved.get(`${t.peftModule}.lora_A.weight`)!.subarray(0, r * t.inFeatures), t.aOffset);
                adapters.params.set(saved.get(`${t.peftModule}.lora_B.weight`)!.subarray(0, t.outFeatures * r), t.bOffset);
            }
            readOptimizerState(dir, optimizer);
            optimizer.stepCount = state.optimizerStep;
            adapters.restoreRng(state.rng?.dropout ?? []);
            return state.step;
        },
        tokensPerStep: Math.round((built.lossTokens / Math.max(1, built.rows)) * B * K),
        logFields: { packingEfficiency: Number(built.efficiency.toFixed(4)) },
    });
    return { ...result, model, adapters, rows: data.rows, lossTokens: built.lossTokens, packingEfficiency: built.efficiency, chatTemplate };
}

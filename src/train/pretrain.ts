/**
 * Continual pretraining (or pretraining from scratch) the Me-LLaMA way: next-token loss on packed sequences,
 * AdamW with Me-LLaMA's defaults, cosine schedule with warmup, gradient accumulation, one epoch, periodic
 * validation, atomic checkpoints and bit-for-bit resume. The library function behind `mellama pretrain`.
 * Not here: reading the config file and the shards (runPretrain.ts), the loop itself (trainingLoop.ts).
 */
import { mkdirSync } from "node:fs";
import { ConfigError } from "../errors/MellamaError.js";
import { getKernelSet } from "../kernels/index.js";
import { type LlamaConfig, resolvePreset, validateConfig } from "../model/LlamaConfig.js";
import { LlamaModel } from "../model/LlamaModel.js";
import { AdamW } from "../optim/AdamW.js";
import { cosineSchedule } from "../optim/cosineSchedule.js";
import { trainableTensors } from "../optim/trainableTensors.js";
import { loadModelCheckpoint, saveModelCheckpoint } from "./modelCheckpoint.js";
import type { PretrainConfig } from "./PretrainConfig.js";
import { EpochOrder, fillMicroBatch, type TokenDataset } from "./TokenDataset.js";
import { runTrainingLoop, type TrainingLoopResult } from "./trainingLoop.js";
import type { ModelSource } from "../formats/model/ModelSource.js";
import { loadWeights } from "../model/loadWeights.js";

export interface PretrainInputs {
    config: PretrainConfig;
    train: TokenDataset;
    validation: TokenDataset | null;
    tokenizer: { vocabSize: number; bosId: number; eosId: number; hash: string; files: readonly string[] };
    /** Continual pretraining: the starting model's shape and weights by Hugging Face tensor name. */
    /** A model to continue from (initFrom), opened with openModel; its config gives the shapes. */
    initial?: ModelSource;
    resume?: boolean;
    /** Start over in a run directory that holds checkpoints of an earlier run (its checkpoints and log are removed). */
    overwrite?: boolean;
}

export interface PretrainResult extends TrainingLoopResult {
    model: LlamaModel;
}

export function modelConfigFor(config: PretrainConfig, vocabSize: number, seqLen: number): LlamaConfig {
    if (config.model === undefined) {
        throw new ConfigError("model", "give a preset name or a shape when not continuing from initFrom");
    }
    const base = typeof config.model === "string" ? resolvePreset(config.model) : { ...config.model, vocabSize: config.model.vocabSize ?? vocabSize };
    const shaped = { ...base, vocabSize, maxSeqLen: Math.max(base.maxSeqLen, seqLen - 1) } as LlamaConfig;
    return validateConfig(shaped);
}

export function pretrain({ config, train, validation, tokenizer, initial, resume = false, overwrite = false }: PretrainInputs): PretrainResult {
    const T = train.seqLen - 1;
    const B = config.microBatchSize;
    const K = config.gradAccum;
    const modelConfig = initial?.config ?? modelConfigFor(config, tokenizer.vocabSize, train.seqLen);
    if (modelConfig.vocabSize !== tokenizer.vocabSize) {
        throw new ConfigError("tokenizer", `the tokenizer has ${tokenizer.vocabSize} tokens, the model's vocabulary ${modelConfig.vocabSize}`);
    }
    if (T > modelConfig.maxSeqLen) {
        throw new ConfigError("data.train", `sequences of ${train.seqLen} tokens exceed the model's context ${modelConfig.maxSeqLen}`);
    }
    const microBatches = Math.floor((config.epochs * train.numSequences) / B);
    const totalSteps = config.maxSteps ?? Math.floor(microBatches / K);
    if (totalSteps < 1) {
        throw new ConfigError("data.train", `${train.numSequences} sequences make no full step of ${B}×${K} sequences`);
    }
    const kernels = getKernelSet({ kind: config.kernels, threads: config.threads });
    const model = new LlamaModel({ config: modelConfig, kernels, maxBatch: B, maxT: T });
    if (initial !== undefined) {
        loadWeights(model, initial);
    } else {
        model.initWeights(config.seed);
    }
    const opt = config.optimizer;
    const optimizer = new AdamW({ kernels, tensors: trainableTensors(model), beta1: opt.beta1, beta2: opt.beta2, eps: opt.eps, weightDecay: opt.weightDecay });
    const lrAt = cosineSchedule({ maxLr: opt.lr, totalSteps, warmupRatio: opt.warmupRatio, minLr: opt.lr * opt.minLrRatio });
    const order = new EpochOrder(train.numSequences, config.seed);
    const scratch = new Int32Array(train.seqLen);
    const batches = Array.from({ length: K }, () => ({ tokens: new Int32Array(B * T), targets: new Int32Array(B * T) }));
    const identity = {
        model: modelConfig, tokenizer: tokenizer.hash, seed: config.seed, microBatchSize: B, gradAccum: K, seqLen: train.seqLen,
        trainSequences: train.numSequences, totalSteps, optimizer: opt, initFrom: config.initFrom ?? null,
    };
    const validate = validation === null ? undefined : (): number | null => {
        const count = Math.min(config.evalBatches, Math.floor(validation.numSequences / B));
        if (count === 0) {
            return null;
        }
        const vOrder = new EpochOrder(validation.numSequences, 0, false);
        const vb = batches[0]!;
        let sum = 0;
        for (let g = 0; g < count; g++) {
            fillMicroBatch(validation, vOrder, g, B, vb.tokens, vb.targets, scratch);
            sum += model.forward(vb.tokens, vb.targets, B, T, { computeGrad: false });
        }
        return count > 0 ? sum / count : null;
    };
    mkdirSync(config.output, { recursive: true });
    const result = runTrainingLoop({
        runDir: config.output, title: "pretrain", model, optimizer, totalSteps, gradAccum: K, B, T,
        batchAt: (step, k) => {
            const mb = batches[k]!;
            fillMicroBatch(train, order, step * K + k, B, mb.tokens, mb.targets, scratch);
            return mb;
        },
        lrAt, maxGradNorm: opt.gradClip > 0 ? opt.gradClip : null, validate,
        evalEvery: config.evalEvery, checkpointEvery: config.checkpointEvery, keepCheckpoints: config.keepCheckpoints,
        logEvery: config.logEvery, resume, overwrite,
        saveCheckpoint: (dir, step) => saveModelCheckpoint(dir, {
            model, optimizer, tokenizerFiles: tokenizer.files, bosTokenId: tokenizer.bosId, eosTokenId: tokenizer.eosId,
            state: { step, optimizerStep: optimizer.stepCount, identity },
        }),
        loadCheckpoint: (dir) => loadModelCheckpoint(dir, { model, optimizer, identity }).step,
    });
    return { ...result, model };
}

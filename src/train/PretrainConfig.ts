/**
 * The `mellama pretrain` config. Defaults are Me-LLaMA's continual-pretraining recipe (me-llama-spec.md §2):
 * AdamW β1 0.9, β2 0.95, learning rate 8e-6, weight decay 1e-5, cosine schedule with warmup ratio 0.05,
 * gradient accumulation 16, one epoch. Unknown keys and wrong types are refused before any work, naming the key.
 */
import { z } from "zod";
import { parseWithSchema } from "../util/parseWithSchema.js";

export const modelShapeSchema = z.object({
    dim: z.number().int().positive(),
    nLayers: z.number().int().positive(),
    nHeads: z.number().int().positive(),
    nKvHeads: z.number().int().positive(),
    hiddenDim: z.number().int().positive(),
    vocabSize: z.number().int().positive().optional(),
    maxSeqLen: z.number().int().positive(),
    normEps: z.number().positive().default(1e-5),
    ropeTheta: z.number().positive().default(10000),
    /** As config.json's rope_scaling (camelCase): linear / dynamic {factor}, llama3 {factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings}. */
    ropeScaling: z.discriminatedUnion("type", [
        z.object({ type: z.literal("linear"), factor: z.number().positive() }).strict(),
        z.object({ type: z.literal("dynamic"), factor: z.number().positive() }).strict(),
        z.object({ type: z.literal("llama3"), factor: z.number().positive(), lowFreqFactor: z.number().positive(), highFreqFactor: z.number().positive(),
            originalMaxPositionEmbeddings: z.number().int().positive() }).strict(),
    ]).optional(),
    tieEmbeddings: z.boolean().default(false),
}).strict();

export const optimizerSchema = z.object({
    lr: z.number().positive().default(8e-6),
    beta1: z.number().min(0).max(1).default(0.9),
    beta2: z.number().min(0).max(1).default(0.95),
    eps: z.number().positive().default(1e-8),
    weightDecay: z.number().min(0).default(1e-5),
    /** Global gradient-norm clip; 0 disables (UNVERIFIED for Me-LLaMA; 1.0 is the HF Trainer default). */
    gradClip: z.number().min(0).default(1.0),
    warmupRatio: z.number().min(0).max(1).default(0.05),
    minLrRatio: z.number().min(0).max(1).default(0),
}).strict();

export const pretrainConfigSchema = z.object({
    /** Run directory: checkpoints, log.jsonl, loss.svg. */
    output: z.string(),
    /** A Hugging Face directory or mellama checkpoint to continue from (continual pretraining); else from scratch. */
    initFrom: z.string().optional(),
    /** Model shape when training from scratch: a preset name or the fields. */
    model: z.union([z.string(), modelShapeSchema]).optional(),
    /** Tokenizer directory or file; must be the one the shards were built with. */
    tokenizer: z.string(),
    data: z.object({
        train: z.string(),
        validation: z.string().optional(),
    }).strict(),
    seed: z.number().int().default(1234),
    microBatchSize: z.number().int().positive().default(4),
    gradAccum: z.number().int().positive().default(16),
    epochs: z.number().positive().default(1),
    /** Stop after this many optimizer steps (default: what the epochs give). */
    maxSteps: z.number().int().positive().optional(),
    optimizer: optimizerSchema.prefault({}),
    checkpointEvery: z.number().int().positive().default(100),
    keepCheckpoints: z.number().int().positive().default(3),
    evalEvery: z.number().int().positive().default(100),
    evalBatches: z.number().int().positive().default(8),
    logEvery: z.number().int().positive().default(1),
    threads: z.number().int().positive().optional(),
    kernels: z.enum(["auto", "native", "reference"]).default("auto"),
}).strict();

export type PretrainConfig = z.infer<typeof pretrainConfigSchema>;

export function parsePretrainConfig(value: unknown, file = "config"): PretrainConfig {
    return parseWithSchema(pretrainConfigSchema, value, file);
}

/**
 * The `mellama sft` config. Defaults follow Me-LLaMA's instruction tuning (3 epochs, learning rate 1e-5, LoRA);
 * its LoRA rank, alpha, dropout and targets are unpublished, so the defaults here (r 8, alpha 16, dropout 0.05,
 * all seven linear layers) are PEFT's common choices and are options.
 */
import { z } from "zod";
import { ALL_LORA_TARGETS } from "../model/lora/LoraAdapters.js";
import { parseWithSchema } from "../util/parseWithSchema.js";

export const sftConfigSchema = z.object({
    output: z.string(),
    /** The base model: a Hugging Face directory (config.json + model.safetensors). */
    base: z.string(),
    /** Tokenizer directory or file; default: the base directory. */
    tokenizer: z.string().optional(),
    data: z.object({
        /** jsonl of ShareGPT conversations (mellama instruct build), OpenAI `messages` or Alpaca records. */
        train: z.string(),
        validation: z.string().optional(),
    }).strict(),
    lora: z.object({
        r: z.number().int().positive().default(8),
        alpha: z.number().positive().default(16),
        dropout: z.number().min(0).max(0.99).default(0.05),
        targets: z.array(z.enum(ALL_LORA_TARGETS as [string, ...string[]])).default([...ALL_LORA_TARGETS]),
    }).strict().prefault({}),
    epochs: z.number().positive().default(3),
    maxSteps: z.number().int().positive().optional(),
    seqLen: z.number().int().min(8).default(512),
    /**
     * "pad": one conversation per row, right-padded. "pack": several conversations per row (first-fit decreasing),
     * with positions restarting per conversation and a block-diagonal causal mask, so they never attend to each
     * other (packSftSequences.ts).
     */
    layout: z.enum(["pad", "pack"]).default("pad"),
    /** The chat template the conversations are rendered with: a built-in name or a Jinja file (relative to the config). */
    template: z.string().min(1).default("mellama"),
    /** Loss on every assistant turn (default), or on the last only. */
    lossOn: z.enum(["all_assistant_turns", "last_assistant_turn"]).default("all_assistant_turns"),
    microBatchSize: z.number().int().positive().default(4),
    gradAccum: z.number().int().positive().default(4),
    optimizer: z.object({
        lr: z.number().positive().default(1e-5),
        beta1: z.number().min(0).max(1).default(0.9),
        beta2: z.number().min(0).max(1).default(0.999),
        eps: z.number().positive().default(1e-8),
        weightDecay: z.number().min(0).default(0),
        gradClip: z.number().min(0).default(1.0),
        warmupRatio: z.number().min(0).max(1).default(0.05),
        minLrRatio: z.number().min(0).max(1).default(0),
    }).strict().prefault({}),
    seed: z.number().int().default(42),
    checkpointEvery: z.number().int().positive().default(200),
    keepCheckpoints: z.number().int().positive().default(2),
    evalEvery: z.number().int().positive().default(200),
    evalBatches: z.number().int().positive().default(8),
    logEvery: z.number().int().positive().default(1),
    threads: z.number().int().positive().optional(),
    kernels: z.enum(["auto", "native", "reference"]).default("auto"),
}).strict();

export type SftConfig = z.infer<typeof sftConfigSchema>;

export function parseSftConfig(value: unknown, file = "config"): SftConfig {
    return parseWithSchema(sftConfigSchema, value, file);
}

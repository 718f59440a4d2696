/**
 * The `mellama instruct build` config: which sources, how many samples of each (like the paper's 214K table),
 * the seed, the output formats and the leakage check. Unknown keys are refused naming the key.
 */
import { z } from "zod";
import { parseWithSchema } from "../util/parseWithSchema.js";

const source = z.object({
    /** A template of INSTRUCTION_SOURCES (Alpaca, Dolly, MedInstruct, …). */
    name: z.string().optional(),
    /** A benchmark task's train split for the supervised setting (pubmedqa, hoc, ddi2013, mtsample, …). */
    benchmark: z.string().optional(),
    path: z.string().optional(),
    format: z.enum(["json", "jsonl", "tsv", "csv"]).optional(),
    /** Samples to take after a seeded shuffle (Me-LLaMA's `limit`); default all. */
    count: z.number().int().positive().optional(),
    /** Sample with replacement when count exceeds what the source has. */
    upsample: z.boolean().default(false),
}).strict().refine((s) => (s.name === undefined) !== (s.benchmark === undefined), { message: "give exactly one of name or benchmark" });

export const instructConfigSchema = z.object({
    output: z.string(),
    seed: z.number().int().default(42),
    formats: z.array(z.enum(["sharegpt", "alpaca"])).default(["sharegpt"]),
    onError: z.enum(["skip", "fail"]).default("skip"),
    sources: z.array(source).min(1),
    decontaminate: z.object({
        /** Evaluation tasks whose test documents training data must not overlap; "all" = every registered task with data. */
        tasks: z.union([z.literal("all"), z.array(z.string())]).default("all"),
        ngram: z.number().int().min(4).max(50).default(13),
        /** An example leaks when at least this fraction of its n-grams occurs in test documents; 0 = any overlap. */
        minOverlap: z.number().min(0).max(1).default(0.5),
        /** drop = remove leaking examples (default); report = keep them and count. */
        action: z.enum(["drop", "report"]).default("drop"),
    }).strict().prefault({}),
}).strict();

export type InstructConfig = z.infer<typeof instructConfigSchema>;
export type InstructSourceConfig = InstructConfig["sources"][number];

export function parseInstructConfig(value: unknown, file = "config"): InstructConfig {
    return parseWithSchema(instructConfigSchema, value, file);
}

/**
 * The `mellama corpus build` config (YAML or JSON). Paths are relative to the config file; `${MELLAMA_DATA}` in
 * a path is the benchmark data directory. Unknown keys and wrong types are refused before any work, naming the key.
 */
import { resolve, dirname } from "node:path";
import { z } from "zod";
import { parseWithSchema } from "../util/parseWithSchema.js";
import { dataDir } from "../util/dataDir.js";
import { DEFAULT_DEDUP } from "./dedup.js";
import { DEFAULT_QUALITY } from "./quality.js";

const source = z.object({
    name: z.string(),
    domain: z.enum(["biomedical", "clinical", "general"]),
    format: z.enum(["pubmedqa", "hoc", "csv", "mimic-cxr", "jsonl", "text", "pubmed-xml", "pmc-jats"]),
    path: z.string(),
    column: z.string().optional(),
    field: z.string().optional(),
    /** A JSON file whose keys (or array items) are document ids to leave out, e.g. benchmark test items. */
    excludeIdsFrom: z.string().optional(),
    /** Apply quality rules (default true). */
    quality: z.boolean().default(true),
}).strict();

export const corpusConfigSchema = z.object({
    output: z.string(),
    tokenizer: z.string(),
    /** Tokens per packed sequence (the model sees seqLen - 1 positions). */
    seqLen: z.number().int().min(2).default(1025),
    seed: z.number().int().default(1234),
    validationFraction: z.number().min(0).max(0.5).default(0.01),
    /** Token proportions by domain; Me-LLaMA: biomedical 15 : clinical 1 : general 4. */
    mix: z.object({ biomedical: z.number().min(0), clinical: z.number().min(0), general: z.number().min(0) }).strict()
        .default({ biomedical: 15, clinical: 1, general: 4 }),
    /** downsample: the largest corpus the scarcest domain allows; upsample: repeat domains up to the largest. */
    mixMode: z.enum(["downsample", "upsample"]).default("downsample"),
    sources: z.array(source).min(1),
    quality: z.object({
        normalization: z.enum(["NFC", "NFKC"]).default(DEFAULT_QUALITY.normalization),
        minWords: z.number().int().min(0).default(DEFAULT_QUALITY.minWords),
        maxWords: z.number().int().min(1).default(DEFAULT_QUALITY.maxWords),
        minMeanWordLength: z.number().min(0).default(DEFAULT_QUALITY.minMeanWordLength),
        maxMeanWordLength: z.number().min(0).default(DEFAULT_QUALITY.maxMeanWordLength),
        maxSymbolRatio: z.number().min(0).default(DEFAULT_QUALITY.maxSymbolRatio),
        maxBulletLines: z.number().min(0).max(1).default(DEFAULT_QUALITY.maxBulletLines),
        maxEllipsisLines: z.number().min(0).max(1).default(DEFAULT_QUALITY.maxEllipsisLines),
        minAlphaWords: z.number().min(0).max(1).default(DEFAULT_QUALITY.minAlphaWords),
        maxDuplicateLineChars: z.number().min(0).max(1).default(DEFAULT_QUALITY.maxDuplicateLineChars),
        minStopWords: z.number().int().min(0).max(8).default(DEFAULT_QUALITY.minStopWords),
        maxTopBigramChars: z.number().min(0).max(1).default(DEFAULT_QUALITY.maxTopBigramChars),
    }).strict().prefault({}),
    phi: z.object({ mode: z.enum(["flag", "redact"]).default("redact") }).strict().prefault({}),
    dedup: z.object({
        shingle: z.number().int().min(1).default(DEFAULT_DEDUP.shingle),
        bands: z.number().int().min(1).max(1023).default(DEFAULT_DEDUP.bands),
        rows: z.number().int().min(1).default(DEFAULT_DEDUP.rows),
        threshold: z.number().min(0).max(1).default(DEFAULT_DEDUP.threshold),
        seed: z.number().int().default(DEFAULT_DEDUP.seed),
    }).strict().prefault({}),
}).strict();

export type CorpusConfig = z.infer<typeof corpusConfigSchema>;

export function parseCorpusConfig(value: unknown, file: string): CorpusConfig {
    const config = parseWithSchema(corpusConfigSchema, value, file);
    const base = dirname(resolve(file));
    const at = (p: string): string => resolve(base, p.replaceAll("${MELLAMA_DATA}", dataDir()));
    return {
        ...config, output: at(config.output), tokenizer: at(config.tokenizer),
        sources: config.sources.map((s) => ({ ...s, path: at(s.path), excludeIdsFrom: s.excludeIdsFrom === undefined ? undefined : at(s.excludeIdsFrom) })),
    };
}

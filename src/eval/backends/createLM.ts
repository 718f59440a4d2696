/**
 * Turns a model SPEC into an LM: `native:PATH` (mellama's engine, wired in createNativeLM.ts), `llamacpp:FILE.gguf`,
 * `openai:BASE_URL[#model]` (key from OPENAI_API_KEY), and the test backends `echo`, `constant:TEXT`, `oracle`, `judge-oracle` (a diagnosis judge).
 */
import { refuseUrlCredentials } from "../../util/refuseUrlCredentials.js";
import type { LM } from "../api/LM.js";
import type { Doc } from "../api/Task.js";
import { ConfigError } from "../../errors/MellamaError.js";
import { createJudgeOracleLM } from "./createJudgeOracleLM.js";
import { createLlamacppLM } from "./createLlamacppLM.js";
import { createOpenaiLM } from "./createOpenaiLM.js";
import { createConstantLM, createEchoLM, createOracleLM } from "./testBackends.js";

export interface CreateLMOptions {
    concurrency?: number;
    timeoutMs?: number;
    retries?: number;
    rateLimit?: number;
    chat?: boolean;
    /** Where the API key is read from (default OPENAI_API_KEY). */
    apiKeyEnv?: string;
    /** native: threads and kernel set (default every core, native kernels when built). */
    threads?: number;
    kernels?: "auto" | "native" | "reference";
    /** Docs of the evaluated tasks, for the oracle backend. */
    docsByTask?: ReadonlyMap<string, readonly Doc[]>;
}

export async function createLM(spec: string, options: CreateLMOptions = {}): Promise<LM> {
    const colon = spec.indexOf(":");
    refuseUrlCredentials("model", spec);
    const kind = colon < 0 ? spec : spec.slice(0, colon);
    const rest = colon < 0 ? "" : spec.slice(colon + 1);
    switch (kind) {
        case "native": {
            // Lazy: the engine (kernels, model, tokenizer) loads only when a native model is evaluated.
            const { createNativeLM } = await import("./createNativeLM.js");
            // Sequences decoded together; the decode kernels take at most 16 rows.
            // native:PATH#ADAPTER_DIR evaluates a PEFT LoRA adapter over PATH, unmerged.
            const hash = rest.indexOf("#");
            return createNativeLM(hash < 0 ? rest : rest.slice(0, hash), { ...(hash < 0 ? {} : { adapter: rest.slice(hash + 1) }),
                timeoutMs: options.timeoutMs, maxBatch: Math.min(16, Math.max(1, options.concurrency ?? 8)),
                ...(options.threads === undefined ? {} : { threads: options.threads }), ...(options.chat === true ? { chat: true } : {}),
                ...(options.kernels === undefined ? {} : { kernels: options.kernels }) });
        }
        case "llamacpp":
            return createLlamacppLM(rest, { timeoutMs: options.timeoutMs, ...(options.threads === undefined ? {} : { threads: options.threads }) });
        case "openai": {
            const hash = rest.indexOf("#");
            return createOpenaiLM({
                baseUrl: hash < 0 ? rest : rest.slice(0, hash),
                model: hash < 0 ? undefined : rest.slice(hash + 1),
                chat: options.chat, apiKey: process.env[options.apiKeyEnv ?? "OPENAI_API_KEY"],
                concurrency: options.concurrency, timeoutMs: options.timeoutMs, retries: options.retries, rateLimit: options.rateLimit,
            });
        }
        case "echo":
            return createEchoLM();
        case "constant":
            return createConstantLM(rest);
        case "oracle":
            return createOracleLM(options.docsByTask ?? new Map());
        case "judge-oracle":
            return createJudgeOracleLM();
        default:
            throw new ConfigError("model", `unknown backend "${kind}" in "${spec}"; expected native:PATH, llamacpp:FILE.gguf, `
                + "openai:BASE_URL[#model], echo, constant:TEXT, oracle or judge-oracle");
    }
}

import type { Command } from "commander";
import { choiceArg, intArg, numberArg, pathArg } from "../options.js";

interface GenerateCliOptions {
    model: string; adapter?: string; prompt?: string; prompts?: string; batch: number; maxTokens: number; temperature: number; topK: number; topP: number;
    seed: number; repetitionPenalty: number; stop?: string[]; threads?: number; quantize?: string; contextSize?: number; mmap: boolean;
}

export function register(program: Command): void {
    program.command("generate")
        .description("generate text from a model (Hugging Face directory, GGUF file, training checkpoint or run): one --prompt streams "
            + "its text (only it) to stdout; --prompts FILE decodes the file's prompts together and prints one JSON line per prompt, in file order. "
            + "A generation cut short by the context limit is said on stderr")
        .requiredOption("--model <path>", "a Hugging Face directory (config.json, safetensors, tokenizer), a .gguf file, or a mellama run/checkpoint")
        .option("--adapter <dir>", "a PEFT LoRA adapter directory for the model, applied without merging (any weight type, --quantize included)")
        .option("--prompt <text>", "the prompt (BOS is prepended, as LLaMA-2 expects)")
        .option("--prompts <file>", "one prompt per line (a line that is a JSON string is unescaped, for prompts with newlines); blank lines are skipped", pathArg("file"))
        .option("--batch <n>", "with --prompts: sequences decoded together, 1..16 (each output is what it would be alone)", intArg(1, 16), 8)
        .option("--max-tokens <n>", "maximum new tokens", intArg(1, 10_000_000), 128)
        .option("--temperature <t>", "0 = greedy", numberArg(0, 100), 0)
        .option("--top-k <k>", "sample from the k most likely tokens (0 = all)", intArg(0, 10_000_000), 0)
        .option("--top-p <p>", "nucleus sampling mass", numberArg(Number.MIN_VALUE, 1), 1)
        .option("--repetition-penalty <p>", "> 1 discourages tokens already seen (1 = off)", numberArg(Number.MIN_VALUE, 100), 1)
        .option("--seed <s>", "sampling seed (with --prompts, prompt i uses seed + i)", intArg(0, 2 ** 32 - 1), 0)
        .option("--stop <strings...>", "stop strings")
        .option("--threads <n>", "threads (default: all cores)", intArg(1, 1024))
        .option("--quantize <type>", "convert F32/F16/BF16 weights on load (q8_0: about half the memory of F16, faster decoding)", choiceArg(["q8_0"]))
        .option("--no-mmap", "read the weights into memory instead of mapping them from the file")
        .option("--context-size <n>", "longest prompt + generation (default: the model's context)", intArg(1, 10_000_000))
        .action(async (o: GenerateCliOptions) => {
            const { ConfigError } = await import("../../errors/MellamaError.js");
            if ((o.prompt === undefined) === (o.prompts === undefined)) {
                throw new ConfigError("--prompt", "give exactly one of --prompt TEXT and --prompts FILE");
            }
            const prompts = o.prompts === undefined ? undefined : await readPrompts(o.prompts);
            const { loadForInference, LoraAdapter } = await import("../../model/inference/index.js");
            const session = await loadForInference(o.model, {
                ...(o.threads === undefined ? {} : { threads: o.threads }), ...(prompts ? { maxBatch: o.batch } : {}),
                ...(o.quantize === undefined ? {} : { quantize: "q8_0" as const }), ...(o.contextSize === undefined ? {} : { maxContext: o.contextSize }), mmap: o.mmap,
            });
            const adapter = o.adapter === undefined ? undefined : LoraAdapter.load(o.adapter, session.config, o.adapter);
            const contextNote = (out: { contextFull: boolean; tokens: readonly unknown[] }, where: string): void => {
                if (out.contextFull) {
                    process.stderr.write(`mellama: ${where}stopped at the context limit of ${session.maxContext} tokens after ${out.tokens.length} new tokens\n`);
                }
            };
            const options = { maxTokens: o.maxTokens, temperature: o.temperature, topK: o.topK, topP: o.topP, seed: o.seed,
                repetitionPenalty: o.repetitionPenalty, stop: o.stop ?? [], ...(adapter === undefined ? {} : { adapter }) };
            if (prompts === undefined) {
                const out = await session.generate(o.prompt!, { ...options, onText: (chunk) => process.stdout.write(chunk) });
                process.stdout.write("\n");
                contextNote(out, "");
            } else {
                // All prompts are queued at once; the batcher keeps `batch` of them decoding and prints each result as
                // soon as every earlier one is out, so the output stays in file order while it streams.
                const done = new Map<number, string>();
                let printed = 0;
                await Promise.all(prompts.map(async ({ line, text }, i) => {
                    const out = await session.generate(text, { ...options, seed: o.seed + i });
                    contextNote(out, `prompt on line ${line}: `);
                    done.set(i, JSON.stringify({ line, text: out.text, tokens: out.tokens.length,
                        finishReason: out.finishReason, contextFull: out.contextFull }));
                    while (done.has(printed)) {
                        process.stdout.write(`${done.get(printed)!}\n`);
                        done.delete(printed++);
                    }
                }));
            }
            session.dispose();
        });
}

/** The prompts of a --prompts file with their 1-based line numbers; errors name the line, never its text. */
async function readPrompts(path: string): Promise<{ line: number; text: string }[]> {
    const { readFileSync } = await import("node:fs");
    const { FormatError } = await import("../../errors/MellamaError.js");
    const out: { line: number; text: string }[] = [];
    readFileSync(path, "utf8").split(/\r?\n/).forEach((raw, i) => {
        if (raw.trim() === "") {
            return;
        }
        let text = raw;
        if (raw.startsWith("\"")) {
            try {
                const parsed: unknown = JSON.parse(raw);
                if (typeof parsed !== "string") {
                    throw new Error("not a string");
                }
                text = parsed;
            } catch {
                throw new FormatError(path, `line ${i + 1}`, "starts with a quote but is not a JSON string");
            }
        }
        out.push({ line: i + 1, text });
    });
    if (out.length === 0) {
        throw new FormatError(path, "prompts", "no prompts (every line is blank)");
    }
    return out;
}

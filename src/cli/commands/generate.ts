import type { Command } from "commander";

interface GenerateCliOptions {
    model: string; prompt: string; maxTokens: number; temperature: number; topK: number; topP: number; seed: number;
    repetitionPenalty: number; stop?: string[]; threads?: number;
}

export function register(program: Command): void {
    program.command("generate")
        .description("generate text from a Hugging Face model directory or a GGUF file; streams the generated text (only it) to stdout")
        .requiredOption("--model <dir|file>", "model directory (config.json, model.safetensors, tokenizer.model or tokenizer.json) or a .gguf file")
        .requiredOption("--prompt <text>", "the prompt (BOS is prepended, as LLaMA-2 expects)")
        .option("--max-tokens <n>", "maximum new tokens", (v) => Number(v), 128)
        .option("--temperature <t>", "0 = greedy", (v) => Number(v), 0)
        .option("--top-k <k>", "sample from the k most likely tokens (0 = all)", (v) => Number(v), 0)
        .option("--top-p <p>", "nucleus sampling mass", (v) => Number(v), 1)
        .option("--repetition-penalty <p>", "> 1 discourages tokens already seen (1 = off)", (v) => Number(v), 1)
        .option("--seed <s>", "sampling seed", (v) => Number(v), 0)
        .option("--stop <strings...>", "stop strings")
        .option("--threads <n>", "threads", (v) => Number(v))
        .action(async (o: GenerateCliOptions) => {
            const { loadForInference } = await import("../../model/inference/index.js");
            const session = await loadForInference(o.model, o.threads === undefined ? {} : { threads: o.threads });
            await session.generate(o.prompt, { maxTokens: o.maxTokens, temperature: o.temperature, topK: o.topK, topP: o.topP, seed: o.seed,
                repetitionPenalty: o.repetitionPenalty, stop: o.stop ?? [], onText: (chunk) => process.stdout.write(chunk) });
            process.stdout.write("\n");
            session.dispose();
        });
}

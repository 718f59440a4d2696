import type { Command } from "commander";

export function register(program: Command): void {
    program.command("generate")
        .description("generate text from a Hugging Face model directory; streams the generated text (only it) to stdout")
        .requiredOption("--model <dir>", "model directory (config.json, model.safetensors, tokenizer.model or tokenizer.json)")
        .requiredOption("--prompt <text>", "the prompt (BOS is prepended, as LLaMA-2 expects)")
        .option("--max-tokens <n>", "maximum new tokens", (v) => Number(v), 128)
        .option("--temperature <t>", "0 = greedy", (v) => Number(v), 0)
        .option("--top-k <k>", "sample from the k most likely tokens (0 = all)", (v) => Number(v), 0)
        .option("--top-p <p>", "nucleus sampling mass", (v) => Number(v), 1)
        .option("--seed <s>", "sampling seed", (v) => Number(v), 0)
        .option("--stop <strings...>", "stop strings")
        .option("--threads <n>", "threads", (v) => Number(v))
        .action(async (o: { model: string; prompt: string; maxTokens: number; temperature: number; topK: number; topP: number; seed: number; stop?: string[]; threads?: number }) => {
            const { loadHfModel } = await import("../../train/loadHfModel.js");
            const { loadTokenizer } = await import("../../tokenizer/loadTokenizer.js");
            const { getKernelSet } = await import("../../kernels/index.js");
            const { LlamaModel } = await import("../../model/LlamaModel.js");
            const { InferenceSession } = await import("../../model/inference/InferenceSession.js");
            const hf = loadHfModel(o.model);
            const model = new LlamaModel({ config: hf.config, kernels: getKernelSet({ threads: o.threads }), maxBatch: 1, maxT: 1, training: false });
            for (const spec of model.layout) {
                model.tensor(spec.name).set(hf.weights.get(spec.hfName)!);
            }
            const session = new InferenceSession({ model, tokenizer: loadTokenizer(o.model) });
            session.generate(o.prompt, { maxTokens: o.maxTokens, temperature: o.temperature, topK: o.topK, topP: o.topP, seed: o.seed,
                stop: o.stop ?? [], onText: (chunk) => process.stdout.write(chunk) });
            process.stdout.write("\n");
        });
}

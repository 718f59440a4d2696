import type { Command } from "commander";

export function register(program: Command): void {
    program.command("export")
        .description("convert a LLaMA checkpoint between a Hugging Face directory and GGUF (llama.cpp layout)")
        .requiredOption("--from <path>", "Hugging Face checkpoint directory, .safetensors with config.json beside it, or .gguf")
        .requiredOption("--to <format>", "gguf or hf")
        .requiredOption("--out <path>", "output .gguf file, or output directory for hf")
        .option("--type <type>", "f32, f16, bf16 or q8_0 (q8_0: GGUF only)", "f16")
        .option("--overwrite", "replace the output of an earlier `mellama export` at --out (nothing else is ever replaced)")
        .option("--name <name>", "general.name written into GGUF")
        .option("--max-shard-size <bytes>", "largest safetensors shard for hf output", "5000000000")
        .action(async (opts: { from: string; to: string; out: string; type: string; name?: string; maxShardSize: string; overwrite?: boolean }) => {
            const { exportModel } = await import("../../formats/hf/exportModel.js");
            const { ConfigError } = await import("../../errors/MellamaError.js");
            const maxShardBytes = Number(opts.maxShardSize);
            if (!Number.isSafeInteger(maxShardBytes) || maxShardBytes <= 0) {
                throw new ConfigError("--max-shard-size", `must be a positive number of bytes, got ${opts.maxShardSize}`);
            }
            const written = exportModel({
                from: opts.from, to: opts.to as "gguf" | "hf", out: opts.out, type: opts.type as "f16",
                maxShardBytes, overwrite: opts.overwrite === true, ...(opts.name === undefined ? {} : { name: opts.name }),
            });
            process.stdout.write(`${written.join("\n")}\n`);
        });
}

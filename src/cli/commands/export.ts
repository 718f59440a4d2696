import type { Command } from "commander";
import { choiceArg, intArg, pathArg } from "../options.js";

export function register(program: Command): void {
    program.command("export")
        .description("convert a LLaMA checkpoint between a Hugging Face directory and GGUF (llama.cpp layout)")
        .requiredOption("--from <path>", "Hugging Face checkpoint directory, .safetensors with config.json beside it, or .gguf", pathArg())
        .requiredOption("--to <format>", "gguf or hf", choiceArg(["gguf", "hf"]))
        .requiredOption("--out <path>", "output .gguf file, or output directory for hf")
        .option("--type <type>", "f32, f16, bf16 or q8_0 (q8_0: GGUF only)", choiceArg(["f32", "f16", "bf16", "q8_0"]), "f16")
        .option("--overwrite", "replace the output of an earlier `mellama export` at --out (nothing else is ever replaced)")
        .option("--name <name>", "general.name written into GGUF")
        .option("--max-shard-size <bytes>", "largest safetensors shard for hf output", intArg(1, Number.MAX_SAFE_INTEGER), 5_000_000_000)
        .action(async (opts: { from: string; to: "gguf" | "hf"; out: string; type: "f32" | "f16" | "bf16" | "q8_0"; name?: string; maxShardSize: number; overwrite?: boolean }) => {
            const { exportModel } = await import("../../formats/hf/exportModel.js");
            const written = exportModel({
                from: opts.from, to: opts.to, out: opts.out, type: opts.type, maxShardBytes: opts.maxShardSize, overwrite: opts.overwrite === true, ...(opts.name === undefined ? {} : { name: opts.name }),
            });
            process.stdout.write(`${written.join("\n")}\n`);
        });
}

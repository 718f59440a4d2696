import type { Command } from "commander";
import type { TensorReport } from "../../formats/hf/exportModel.js";

const TYPES = "f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q2_k, q3_k_m, q4_k_s, q4_k_m, q5_k_s, q5_k_m, q6_k";

/** One line per written tensor on stderr: its type and, when quantized, the quantization error. */
export function printTensorReport(r: TensorReport): void {
    const err = r.rmse === undefined ? "" : `  rmse ${r.rmse.toExponential(3)}  (${((r.relative ?? 0) * 100).toFixed(2)} % of rms)`;
    process.stderr.write(`${r.name.padEnd(28)} ${r.type.padEnd(5)}${err}\n`);
}

export function register(program: Command): void {
    program.command("export")
        .description("convert a LLaMA checkpoint between a Hugging Face directory and GGUF (llama.cpp layout, any llama.cpp file type)")
        .requiredOption("--from <path>", "Hugging Face checkpoint directory, .safetensors with config.json beside it, or .gguf")
        .requiredOption("--to <format>", "gguf or hf")
        .requiredOption("--out <path>", "output .gguf file, or output directory for hf")
        .option("--type <type>", `${TYPES} (quantized types: GGUF only; _m/_s take llama.cpp's per-tensor mixture)`, "f16")
        .option("--name <name>", "general.name written into GGUF")
        .option("--max-shard-size <bytes>", "largest safetensors shard for hf output", "5000000000")
        .action(async (opts: { from: string; to: string; out: string; type: string; name?: string; maxShardSize: string }) => {
            const { exportModel } = await import("../../formats/hf/exportModel.js");
            const { ConfigError } = await import("../../errors/MellamaError.js");
            const maxShardBytes = Number(opts.maxShardSize);
            if (!Number.isSafeInteger(maxShardBytes) || maxShardBytes <= 0) {
                throw new ConfigError("--max-shard-size", `must be a positive number of bytes, got ${opts.maxShardSize}`);
            }
            const written = exportModel({
                from: opts.from, to: opts.to as "gguf" | "hf", out: opts.out, type: opts.type as "f16",
                maxShardBytes, onTensor: printTensorReport, progress: true, ...(opts.name === undefined ? {} : { name: opts.name }),
            });
            process.stdout.write(`${written.join("\n")}\n`);
        });
}

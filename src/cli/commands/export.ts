import type { Command } from "commander";
import { choiceArg, intArg, pathArg } from "../options.js";
import type { TensorReport } from "../../formats/hf/exportModel.js";

export const TYPES = ["f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k_m", "q4_k_s", "q4_k_m", "q5_k_s", "q5_k_m", "q6_k"] as const;

/** One line per written tensor on stderr: its type and, when quantized, the quantization error. */
export function printTensorReport(r: TensorReport): void {
    const err = r.rmse === undefined ? "" : `  rmse ${r.rmse.toExponential(3)}  (${((r.relative ?? 0) * 100).toFixed(2)} % of rms)`;
    process.stderr.write(`${r.name.padEnd(28)} ${r.type.padEnd(5)}${err}\n`);
}

export function register(program: Command): void {
    program.command("export")
        .description("convert a LLaMA checkpoint between a Hugging Face directory and GGUF (llama.cpp layout, any llama.cpp file type)")
        .requiredOption("--from <path>", "Hugging Face checkpoint directory, .safetensors with config.json beside it, or .gguf", pathArg())
        .requiredOption("--to <format>", "gguf or hf", choiceArg(["gguf", "hf"]))
        .requiredOption("--out <path>", "output .gguf file, or output directory for hf")
        .option("--type <type>", `${TYPES.join(", ")} (quantized types: GGUF only; _m/_s take llama.cpp's per-tensor mixture)`, choiceArg(TYPES), "f16")
        .option("--overwrite", "replace the output of an earlier `mellama export` at --out (nothing else is ever replaced)")
        .option("--name <name>", "general.name written into GGUF")
        .option("--max-shard-size <bytes>", "largest safetensors shard for hf output", intArg(1, Number.MAX_SAFE_INTEGER), 5_000_000_000)
        .action(async (opts: { from: string; to: "gguf" | "hf"; out: string; type: (typeof TYPES)[number]; name?: string; maxShardSize: number; overwrite?: boolean }) => {
            const { exportModel } = await import("../../formats/hf/exportModel.js");
            const written = exportModel({
                from: opts.from, to: opts.to, out: opts.out, type: opts.type, maxShardBytes: opts.maxShardSize, overwrite: opts.overwrite === true,
                onTensor: printTensorReport, progress: true, ...(opts.name === undefined ? {} : { name: opts.name }),
            });
            process.stdout.write(`${written.join("\n")}\n`);
        });
}

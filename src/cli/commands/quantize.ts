import type { Command } from "commander";

export function register(program: Command): void {
    program.command("quantize")
        .description("write a GGUF of another file type (llama-quantize's per-tensor mixture) from a GGUF or a Hugging Face checkpoint")
        .argument("<in>", "input .gguf, Hugging Face directory or .safetensors")
        .argument("<out>", "output .gguf (written to a temporary name, then renamed)")
        .requiredOption("--type <type>", "q4_k_m, q5_k_m, q6_k, q8_0, q4_0, q4_1, q5_0, q5_1, q2_k, q3_k_m, q4_k_s, q5_k_s, f16, bf16 or f32")
        .option("--name <name>", "general.name written into the GGUF")
        .action(async (input: string, out: string, opts: { type: string; name?: string }) => {
            const { exportModel } = await import("../../formats/hf/exportModel.js");
            const { printTensorReport } = await import("./export.js");
            const written = exportModel({
                from: input, to: "gguf", out, type: opts.type as "f16", onTensor: printTensorReport, progress: true,
                ...(opts.name === undefined ? {} : { name: opts.name }),
            });
            process.stdout.write(`${written.join("\n")}\n`);
        });
}

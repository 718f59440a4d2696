import type { Command } from "commander";

export function register(program: Command): void {
    program.command("merge")
        .description("fold a LoRA adapter (PEFT layout) into its base model; writes a Hugging Face directory")
        .requiredOption("--base <dir>", "base model (Hugging Face directory)")
        .requiredOption("--adapter <dir>", "adapter directory (adapter_config.json + adapter_model.safetensors)")
        .requiredOption("--out <dir>", "output directory")
        .action(async (o: { base: string; adapter: string; out: string }) => {
            const { mergeAdapterDir } = await import("../../train/mergeAdapterDir.js");
            mergeAdapterDir(o.base, o.adapter, o.out);
            process.stdout.write(`merged model written to ${o.out}\n`);
        });
}

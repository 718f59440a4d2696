import type { Command } from "commander";
import { pathArg } from "../options.js";

export function register(program: Command): void {
    program.command("merge")
        .description("fold a LoRA adapter (PEFT layout) into its base model; writes a Hugging Face directory")
        .requiredOption("--base <dir>", "base model (Hugging Face directory)", pathArg())
        .requiredOption("--adapter <dir>", "adapter directory (adapter_config.json + adapter_model.safetensors)", pathArg("dir"))
        .requiredOption("--out <dir>", "output directory (refused when it exists and is not empty, unless --overwrite)")
        .option("--overwrite", "replace the output of an earlier `mellama merge` at --out (nothing else is ever replaced)")
        .action(async (o: { base: string; adapter: string; out: string; overwrite?: boolean }) => {
            const { mergeAdapterDir } = await import("../../train/mergeAdapterDir.js");
            mergeAdapterDir(o.base, o.adapter, o.out, o.overwrite === true);
            process.stdout.write(`merged model written to ${o.out}\n`);
        });
}

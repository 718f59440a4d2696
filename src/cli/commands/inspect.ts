import type { Command } from "commander";

export function register(program: Command): void {
    program.command("inspect")
        .description("show what a model file holds: format, metadata, tensors (shape, dtype), parameter count, config")
        .argument("<file>", "a .safetensors file, a .gguf file, or a Hugging Face checkpoint directory")
        .option("--json", "print JSON instead of text")
        .action(async (file: string, opts: { json?: boolean }) => {
            const { formatInspection, inspectModel } = await import("../../formats/hf/inspectModel.js");
            const result = inspectModel({ path: file, ...(opts.json === true ? { maxArrayItems: 64 } : {}) });
            process.stdout.write(opts.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatInspection(result));
        });
}

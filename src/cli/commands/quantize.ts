import type { Command } from "commander";
import { choiceArg, pathArg } from "../options.js";
import { TYPES } from "./export.js";

export function register(program: Command): void {
    program.command("quantize")
        .description("write a GGUF of another file type (llama-quantize's per-tensor mixture) from a GGUF or a Hugging Face checkpoint")
        .argument("<in>", "input .gguf, Hugging Face directory or .safetensors", pathArg())
        .argument("<out>", "output .gguf (written to a temporary name, then renamed)")
        .requiredOption("--type <type>", `${TYPES.join(", ")} (_m/_s take llama.cpp's per-tensor mixture)`, choiceArg(TYPES))
        .option("--name <name>", "general.name written into the GGUF")
        .option("--overwrite", "replace the output of an earlier `mellama quantize` or `export` at OUT (nothing else is ever replaced)")
        .action(async (input: string, out: string, opts: { type: (typeof TYPES)[number]; name?: string; overwrite?: boolean }) => {
            const { exportModel } = await import("../../formats/hf/exportModel.js");
            const { printTensorReport } = await import("./export.js");
            const written = exportModel({
                from: input, to: "gguf", out, type: opts.type, onTensor: printTensorReport, progress: true, overwrite: opts.overwrite === true,
                ...(opts.name === undefined ? {} : { name: opts.name }),
            });
            process.stdout.write(`${written.join("\n")}\n`);
        });
}

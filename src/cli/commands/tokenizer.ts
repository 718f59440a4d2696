import type { Command } from "commander";
import { intArg, numberArg, pathArg, listArg } from "../options.js";

export function register(program: Command): void {
    const tokenizer = program.command("tokenizer").description("LLaMA-2 SentencePiece BPE tokenizers");
    tokenizer.command("train")
        .description("train a BPE tokenizer from text files; writes tokenizer.model and tokenizer.json")
        .requiredOption("--input <files...>", "text files (one document or sentence per line)", listArg(pathArg("file")))
        .requiredOption("--vocab-size <n>", "vocabulary size", intArg(1, 10_000_000))
        .requiredOption("--output <dir>", "output directory (refused when it exists and is not empty, unless --overwrite)")
        .option("--overwrite", "replace the output of an earlier `mellama tokenizer train` at --output (nothing else is ever replaced)")
        .option("--character-coverage <x>", "share of characters kept as pieces", numberArg(Number.MIN_VALUE, 1), 0.9995)
        .option("--no-split-digits", "keep digit runs together")
        .option("--user-defined-symbols <pieces...>", "pieces matched whole before BPE (e.g. [INST] [/INST])", [])
        .action(async (o: { input: string[]; vocabSize: number; output: string; characterCoverage: number; splitDigits: boolean;
            userDefinedSymbols: string[]; overwrite?: boolean; }) => {
            const { readFileSync } = await import("node:fs");
            const { ConfigError, DegenerateResultError } = await import("../../errors/MellamaError.js");
            const { trainBpe } = await import("../../tokenizer/trainBpe.js");
            const { saveTokenizer } = await import("../../tokenizer/saveTokenizer.js");
            const { claimOutput, writeOutputDir } = await import("../../util/writeOutput.js");
            const claim = { command: "tokenizer train", inputs: o.input, overwrite: o.overwrite === true };
            // Refused before the (long) training, not after it; writeOutputDir checks again when it writes.
            claimOutput(o.output, claim, true);
            const lines = o.input.flatMap((f) => {
                try {
                    return readFileSync(f, "utf8").split("\n");
                } catch (error) {
                    throw new ConfigError("--input", `cannot read ${f} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
                }
            });
            const model = trainBpe(lines, { vocabSize: o.vocabSize, characterCoverage: o.characterCoverage, splitDigits: o.splitDigits,
                userDefinedSymbols: o.userDefinedSymbols });
            // sentencepiece refuses such a run too: a smaller vocabulary than asked for is not what the model config expects.
            if (model.pieces.length < o.vocabSize) {
                throw new DegenerateResultError("--vocab-size", `the input has too little text to make ${o.vocabSize} pieces (it made `
                    + `${model.pieces.length}); give more text or --vocab-size ${model.pieces.length} or less`);
            }
            const files = writeOutputDir(o.output, claim, (dir) => saveTokenizer(dir, model));
            process.stderr.write(`trained ${model.pieces.length} pieces; wrote ${files.join(", ")}\n`);
        });
    tokenizer.command("encode")
        .description("read lines on stdin, print one JSON array of ids per line")
        .requiredOption("--tokenizer <path>", "tokenizer.model, tokenizer.json or a directory holding one", pathArg())
        .option("--bos", "prepend BOS")
        .option("--eos", "append EOS")
        .action(async (o: { tokenizer: string; bos?: boolean; eos?: boolean }) => {
            const { loadTokenizer } = await import("../../tokenizer/loadTokenizer.js");
            const { createInterface } = await import("node:readline");
            const tok = loadTokenizer(o.tokenizer);
            for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
                process.stdout.write(`${JSON.stringify(tok.encode(line, { bos: o.bos, eos: o.eos }))}\n`);
            }
        });
    tokenizer.command("decode")
        .description("read one JSON array of ids per line on stdin, print the text of each")
        .requiredOption("--tokenizer <path>", "tokenizer.model, tokenizer.json or a directory holding one", pathArg())
        .action(async (o: { tokenizer: string }) => {
            const { loadTokenizer } = await import("../../tokenizer/loadTokenizer.js");
            const { createInterface } = await import("node:readline");
            const { ConfigError } = await import("../../errors/MellamaError.js");
            const tok = loadTokenizer(o.tokenizer);
            let n = 0;
            for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
                n++;
                let ids: unknown;
                try {
                    ids = JSON.parse(line);
                } catch {
                    throw new ConfigError(`stdin line ${n}`, "is not a JSON array of ids");
                }
                if (!Array.isArray(ids) || !ids.every((x) => Number.isInteger(x))) {
                    throw new ConfigError(`stdin line ${n}`, "is not a JSON array of integer ids");
                }
                process.stdout.write(`${tok.decode(ids as number[])}\n`);
            }
        });
}

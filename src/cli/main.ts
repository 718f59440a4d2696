/**
 * The `mellama` command line (run by ./bin.ts). Every file in ./commands registers one command and is listed here
 * (an explicit list: the help order is chosen, not the directory's); command files keep their imports lazy
 * (inside the action) so that `mellama --help` stays fast.
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { exitWithError } from "./exitWithError.js";
import { register as chatCommand } from "./commands/chat.js";
import { register as corpusCommand } from "./commands/corpus.js";
import { register as dataCommand } from "./commands/data.js";
import { register as demoCommand } from "./commands/demo.js";
import { register as diagnosisCommand } from "./commands/diagnosis.js";
import { register as evalCommand } from "./commands/eval.js";
import { register as exportCommand } from "./commands/export.js";
import { register as generateCommand } from "./commands/generate.js";
import { register as inspectCommand } from "./commands/inspect.js";
import { register as instructCommand } from "./commands/instruct.js";
import { register as mergeCommand } from "./commands/merge.js";
import { register as pretrainCommand } from "./commands/pretrain.js";
import { register as quantizeCommand } from "./commands/quantize.js";
import { register as serveCommand } from "./commands/serve.js";
import { register as sftCommand } from "./commands/sft.js";
import { register as tokenizerCommand } from "./commands/tokenizer.js";
import { register as versionCommand } from "./commands/version.js";

/** The commands in help order; test/cli/main.test.ts checks that every file in ./commands is here. */
export const COMMANDS: readonly ((program: Command) => void)[] = [
    chatCommand,
    corpusCommand,
    dataCommand,
    demoCommand,
    diagnosisCommand,
    evalCommand,
    exportCommand,
    generateCommand,
    inspectCommand,
    instructCommand,
    mergeCommand,
    pretrainCommand,
    quantizeCommand,
    serveCommand,
    sftCommand,
    tokenizerCommand,
    versionCommand,
];

/** Exit statuses: 0 success, 1 a failure while working, 2 a user error (bad option, input, config or output path). */
export async function main(argv: string[]): Promise<void> {
    process.on("uncaughtException", (error) => exitWithError(error));
    process.on("unhandledRejection", (error) => exitWithError(error));
    const program = new Command("mellama")
        .description("Build, evaluate and serve medical foundation language models the Me-LLaMA way.")
        .version(packageVersion(), "-V, --version", "print the mellama version")
        // Commander's own errors (unknown option, missing argument, a value a parser refused) come back as
        // exceptions and are printed as one line like every other error.
        .exitOverride()
        .configureOutput({ outputError: () => undefined });
    for (const register of COMMANDS) {
        register(program);
    }
    try {
        await program.parseAsync(argv);
    } catch (error) {
        exitWithError(error);
    }
}

function packageVersion(): string {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

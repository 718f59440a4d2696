/**
 * The `mellama` command line. Every file in ./commands registers one command and is listed here (an explicit
 * list, so a bundler follows it: bin/mellama.js runs the CLI from a bundle); command files keep their imports
 * lazy (inside the action) so that `mellama --help` stays fast.
 */
import { Command } from "commander";
import { MellamaError } from "../errors/MellamaError.js";
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

export async function main(argv: string[]): Promise<void> {
    const program = new Command("mellama")
        .description("Build, evaluate and serve medical foundation language models the Me-LLaMA way.")
        .showHelpAfterError();
    for (const register of COMMANDS) {
        register(program);
    }
    try {
        await program.parseAsync(argv);
    } catch (error) {
        if (error instanceof MellamaError) {
            process.stderr.write(`mellama: ${error.message}\n`);
            process.exit(1);
        }
        throw error;
    }
}

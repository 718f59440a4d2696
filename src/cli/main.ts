/**
 * The `mellama` command line. Every file in ./commands registers one command; command files keep their
 * imports lazy (inside the action) so that `mellama --help` stays fast.
 */
import { Command } from "commander";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MellamaError } from "../errors/MellamaError.js";

export async function main(argv: string[]): Promise<void> {
    const program = new Command("mellama")
        .description("Build, evaluate and serve medical foundation language models the Me-LLaMA way.")
        .showHelpAfterError();
    const dir = join(dirname(fileURLToPath(import.meta.url)), "commands");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") || f.endsWith(".js")).sort()) {
        const mod = await import(join(dir, file)) as { register?: (program: Command) => void };
        mod.register?.(program);
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

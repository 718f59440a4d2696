import type { Command } from "commander";

export function register(program: Command): void {
    program.command("version").description("print the mellama version").action(async () => {
        const { readFileSync } = await import("node:fs");
        const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
        process.stdout.write(`${pkg.version}\n`);
    });
}

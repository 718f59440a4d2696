import type { Command } from "commander";
import { choiceArg } from "../options.js";

export function register(program: Command): void {
    const data = program.command("data").description("benchmark data");
    data.command("fetch")
        .description("download a task's public test set from its canonical place (pinned GitHub commits, or Me-LLaMA's Hub parquet with --source hf)")
        .argument("<task>", "task name (pubmedqa, medqa, medmcqa, ddi2013, hoc; any Hub task with --source hf)")
        .option("--mirror <url>", "fetch from this origin instead (same paths)")
        .option("--dest <dir>", "data directory (default MELLAMA_DATA or ../shared/data)")
        .option("--source <src>", "github | hf", choiceArg(["github", "hf"]), "github")
        .option("--force", "download again even when the file is present with the right size")
        .action(async (task: string, options: { mirror?: string; dest?: string; source: "github" | "hf"; force?: boolean }) => {
            const { fetchTaskData } = await import("../../eval/data/fetchTaskData.js");
            const { dataDir } = await import("../../util/dataDir.js");
            const files = await fetchTaskData({ task, dest: options.dest ?? dataDir(), mirror: options.mirror, source: options.source, force: options.force });
            process.stdout.write(`${files.join("\n")}\n`);
        });
}

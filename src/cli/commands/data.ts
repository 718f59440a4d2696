import type { Command } from "commander";
import { choiceArg, intArg, pathArg } from "../options.js";

export function register(program: Command): void {
    const data = program.command("data").description("benchmark data");
    data.command("fetch")
        .description("download a task's public test set from its canonical place (pinned GitHub commits, or Me-LLaMA's Hub parquet with --source hf)")
        .argument("<task>", "task name (pubmedqa, medqa, medmcqa, ddi2013, hoc; any Hub task with --source hf)")
        .option("--mirror <url>", "fetch from this origin instead (same paths)")
        .option("--dest <dir>", "data directory (default MELLAMA_DATA or ../shared/data)")
        .option("--source <src>", "github | hf", choiceArg(["github", "hf"]), "github")
        .option("--force", "download again even when the file is present with the pinned size and sha256")
        .option("--max-bytes <n>", "refuse a file without a pinned size beyond this many bytes (a pinned size is its own cap)", intArg(1), 512 * 1024 * 1024)
        .action(async (task: string, options: { mirror?: string; dest?: string; source: "github" | "hf"; force?: boolean; maxBytes: number }) => {
            const { fetchTaskData } = await import("../../eval/data/fetchTaskData.js");
            const { dataDir } = await import("../../util/dataDir.js");
            const files = await fetchTaskData({ task, dest: options.dest ?? dataDir(), mirror: options.mirror, source: options.source, force: options.force,
                maxBytes: options.maxBytes });
            process.stdout.write(`${files.join("\n")}\n`);
        });
    data.command("list")
        .description("which evaluation tasks have their data (test documents, train split for few-shot) and where the missing ones are looked for")
        .option("--data <dir>", "data directory (default MELLAMA_DATA or ../shared/data)", pathArg("dir"))
        .option("--json", "one JSON array instead of the table")
        .action(async (options: { data?: string; json?: boolean }) => {
            const { listTaskData } = await import("../../eval/data/listTaskData.js");
            const { dataDir } = await import("../../util/dataDir.js");
            const dir = options.data ?? dataDir();
            const rows = await listTaskData(dir);
            if (options.json === true) {
                process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
                return;
            }
            process.stdout.write(`data directory: ${dir}\n`);
            for (const r of rows) {
                const state = r.docs === null ? `missing: ${r.missing ?? ""}`
                    : `${r.docs} docs${r.trainDocs === null ? "" : `, train ${r.trainDocs}`}${r.skipped > 0 ? `, ${r.skipped} malformed skipped` : ""}`;
                process.stdout.write(`${r.task.padEnd(22)} ${state}\n`);
            }
        });
}

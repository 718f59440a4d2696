/**
 * `mellama instruct build CONFIG`: reads the config, wires benchmark train splits and the test sets of the
 * evaluation tasks into buildInstructions, and prints the per-source counts (never any record text).
 */
import { loadConfig } from "../util/loadConfig.js";
import { dirname } from "node:path";
import { buildInstructions } from "./buildInstructions.js";
import { benchmarkTrainSplit, benchmarkTestTexts } from "./benchmarkSources.js";
import { instructConfigSchema } from "./InstructConfig.js";

export async function runInstructBuild(configPath: string): Promise<void> {
    // Source paths are resolved by buildInstructions against baseDir (the config's directory).
    const config = loadConfig(configPath, instructConfigSchema, { what: "instruct config" });
    let skipped = 0;
    const report = await buildInstructions({
        config,
        baseDir: dirname(configPath),
        loadBenchmarkTrain: benchmarkTrainSplit,
        loadTestTexts: benchmarkTestTexts,
        onSkip: (where) => {
            skipped++;
            if (skipped <= 20) {
                process.stderr.write(`skipped ${where.file}:${where.line}: ${where.reason}\n`);
            }
        },
    });
    const rows = report.sources.map((s) => `  ${s.source.padEnd(24)} available ${String(s.available).padStart(7)}  written ${String(s.written).padStart(7)}  leaked ${String(s.leaked).padStart(5)}  any 13-gram overlap ${String(s.overlapping).padStart(5)}  skipped ${s.skipped}`);
    process.stdout.write([
        `wrote ${report.total} examples to ${report.files.join(", ")}`,
        ...rows,
        `test-set leakage: ${report.leakedTotal} examples overlapped a test document (${report.leakAction === "drop" ? "dropped" : "kept, reported"}); tasks checked: ${report.testTasksChecked.join(", ") || "none"}`,
    ].join("\n") + "\n");
}

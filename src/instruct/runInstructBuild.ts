/**
 * `mellama instruct build CONFIG`: reads the config, wires benchmark train splits and the test sets of the
 * evaluation tasks into buildInstructions, and prints the per-source counts (never any record text).
 */
import { loadConfig } from "../util/loadConfig.js";
import { dirname } from "node:path";
import { buildInstructions } from "./buildInstructions.js";
import { benchmarkTrainSplit, benchmarkTestTexts } from "./benchmarkSources.js";
import { instructConfigSchema } from "./InstructConfig.js";

/** Skipped-record lines printed per file; the rest are counted in one line per file at the end. */
const SKIP_LINES_PER_FILE = 5;

export async function runInstructBuild(configPath: string, onError?: "skip" | "fail"): Promise<void> {
    // Source paths are resolved by buildInstructions against baseDir (the config's directory).
    const loaded = loadConfig(configPath, instructConfigSchema, { what: "instruct config" });
    const config = onError === undefined ? loaded : { ...loaded, onError };
    const skippedPerFile = new Map<string, number>();
    const report = await buildInstructions({
        config,
        baseDir: dirname(configPath),
        loadBenchmarkTrain: benchmarkTrainSplit,
        loadTestTexts: benchmarkTestTexts,
        onSkip: (where) => {
            const n = (skippedPerFile.get(where.file) ?? 0) + 1;
            skippedPerFile.set(where.file, n);
            if (n <= SKIP_LINES_PER_FILE) {
                process.stderr.write(`skipped ${where.file}:${where.line}: ${where.reason}\n`);
            }
        },
    });
    for (const [file, n] of skippedPerFile) {
        if (n > SKIP_LINES_PER_FILE) {
            process.stderr.write(`skipped ${n - SKIP_LINES_PER_FILE} more malformed record(s) in ${file} (${n} in all)\n`);
        }
    }
    const rows = report.sources.map((s) => `  ${s.source.padEnd(24)} available ${String(s.available).padStart(7)}  written ${String(s.written).padStart(7)}  leaked ${String(s.leaked).padStart(5)}  any 13-gram overlap ${String(s.overlapping).padStart(5)}  skipped ${s.skipped}`);
    process.stdout.write([
        `wrote ${report.total} examples to ${report.files.join(", ")}`,
        ...rows,
        `test-set leakage: ${report.leakedTotal} examples overlapped a test document (${report.leakAction === "drop" ? "dropped" : "kept, reported"}); tasks checked: ${report.testTasksChecked.join(", ") || "none"}`,
    ].join("\n") + "\n");
}

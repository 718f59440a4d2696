/**
 * The table `mellama eval` prints when a run ends: one row per task with its reported metrics (stderr where
 * computed), then the tasks skipped and the metrics not computed, each with the reason.
 */
import type { ResultsJson } from "./ResultsJson.js";

export function formatResultsTable(results: ResultsJson): string {
    const rows: string[][] = [["task", "metric", "value", "stderr", "n"]];
    for (const [task, row] of Object.entries(results.results)) {
        const n = String(results["n-samples"][task]?.answered ?? "");
        for (const metric of results.reported[task] ?? []) {
            const value = row[`${metric},none`];
            const stderr = row[`${metric}_stderr,none`];
            const shown = typeof value === "number" ? value.toFixed(4) : results.not_computed?.[task]?.[metric] !== undefined ? "not computed" : "-";
            rows.push([task, metric, shown, typeof stderr === "number" ? stderr.toFixed(4) : "", n]);
        }
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd());
    lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
    for (const [task, reason] of Object.entries(results.skipped ?? {})) {
        lines.push(`skipped ${task}: ${reason}`);
    }
    for (const [task, metrics] of Object.entries(results.not_computed ?? {})) {
        for (const [metric, reason] of Object.entries(metrics)) {
            lines.push(`not computed ${task} ${metric}: ${reason}`);
        }
    }
    for (const [task, count] of Object.entries(results.truncated ?? {})) {
        if (count > 0) {
            lines.push(`truncated ${task}: ${count} prompt(s) cut from the left to fit the model's window`);
        }
    }
    return `${lines.join("\n")}\n`;
}

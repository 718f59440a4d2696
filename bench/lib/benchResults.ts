/**
 * Shared output of every `npm run bench:<name>`: a printed table and bench/results/<name>.json as
 * [{name, unit, value, anchor, anchorValue, ratio, config}]. Figures are measured in the same run as their
 * anchor, alternating, and reported as medians.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { atomicWriteFileSync } from "../../src/util/atomicWrite.js";

export interface BenchRow {
    name: string;
    unit: string;
    /** null when mellama could not produce the figure (the row's config says why). */
    value: number | null;
    anchor: string | null;
    anchorValue: number | null;
    /** value / anchorValue, oriented so that > 1 means mellama is better (for "lower is better" units pass the inverse). */
    ratio: number | null;
    config: Record<string, unknown>;
}

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function printBenchTable(rows: readonly BenchRow[]): void {
    const fmt = (x: number | null): string => (x === null ? "-" : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(4));
    const table = [["name", "unit", "mellama", "anchor", "anchor value", "ratio"],
        ...rows.map((r) => [r.name, r.unit, fmt(r.value), r.anchor ?? "-", fmt(r.anchorValue), r.ratio === null ? "-" : `${r.ratio.toFixed(2)}x`])];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    for (const row of table) {
        process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ")}\n`);
    }
}

export function writeBenchResults(benchName: string, rows: readonly BenchRow[]): string {
    printBenchTable(rows);
    const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "results");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${benchName}.json`);
    atomicWriteFileSync(path, `${JSON.stringify(rows, null, 2)}\n`);
    process.stdout.write(`wrote ${path}\n`);
    return path;
}

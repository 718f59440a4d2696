/**
 * The multi-model comparison section: models as rows, task × headline metric as columns, as the paper's Table 3
 * (zero-shot results per model), the best value per column in bold. `renderComparisonPage` makes a whole
 * self-contained page from several runs' results.json (the demo writes one).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ResultsJson } from "../run/ResultsJson.js";
import { atomicWriteFileSync } from "../../util/atomicWrite.js";
import { escapeHtml, fmt } from "./htmlEscape.js";
import { PAGE_CSS } from "./pageStyle.js";
import { renderDomainShift } from "./renderDomainShift.js";

export interface ModelResults {
    /** Row label, e.g. "Me-LLaMA-13B-chat". */
    name: string;
    results: ResultsJson;
}

export function renderComparison(models: readonly ModelResults[], title = "Model comparison"): string {
    const columns: { task: string; metric: string }[] = [];
    for (const m of models) {
        for (const [task, metrics] of Object.entries(m.results.reported)) {
            for (const metric of metrics) {
                if (!columns.some((c) => c.task === task && c.metric === metric) && `${metric},none` in (m.results.results[task] ?? {})) {
                    columns.push({ task, metric });
                }
            }
        }
    }
    const value = (m: ModelResults, c: { task: string; metric: string }): number | undefined => {
        const v = m.results.results[c.task]?.[`${c.metric},none`];
        return typeof v === "number" ? v : undefined;
    };
    // Best per column: the highest, or the lowest for metrics a run marks as lower-is-better (perplexities).
    const lowerIsBetter = (c: { task: string; metric: string }): boolean => models.some((m) => m.results.higher_is_better[c.task]?.[c.metric] === false);
    const best = columns.map((c) => (lowerIsBetter(c)
        ? Math.min(...models.map((m) => value(m, c) ?? Infinity))
        : Math.max(...models.map((m) => value(m, c) ?? -Infinity))));
    const head = `<tr><th rowspan="2">Model</th>${[...new Set(columns.map((c) => c.task))].map((t) =>
        `<th colspan="${columns.filter((c) => c.task === t).length}">${escapeHtml(t)}</th>`).join("")}</tr>`
        + `<tr>${columns.map((c) => `<th>${escapeHtml(c.metric)}</th>`).join("")}</tr>`;
    const body = models.map((m) => `<tr><td>${escapeHtml(m.name)}</td>${columns.map((c, i) => {
        const v = value(m, c);
        return `<td class="num">${v !== undefined && v === best[i] && models.length > 1 ? `<b>${fmt(v)}</b>` : fmt(v)}</td>`;
    }).join("")}</tr>`).join("");
    return `<section class="comparison"><h2>${escapeHtml(title)}</h2><table id="comparison">${head}${body}</table>`
        + `<p class="note">Scoring: ${escapeHtml([...new Set(models.map((m) => m.results.config.scoring))].join(", "))}; `
        + "values as in each run's results.json.</p></section>" + renderDomainShift(models);
}

export function renderComparisonPage(models: readonly ModelResults[], title = "mellama: model comparison"): string {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>`
        + `<style>${PAGE_CSS}</style></head><body><h1>${escapeHtml(title)}</h1>${renderComparison(models)}</body></html>`;
}

/** Reads each run directory's results.json and writes one comparison page (named by the directory unless names given). */
export function writeComparisonPage(outPath: string, runDirs: readonly string[], names?: readonly string[]): string {
    const models = runDirs.map((dir, i) => ({ name: names?.[i] ?? dir.split(/[\\/]/).filter(Boolean).pop() ?? dir,
        results: JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as ResultsJson }));
    atomicWriteFileSync(outPath, renderComparisonPage(models));
    return outPath;
}

/**
 * Medical gain beside general-domain change: the built-in perplexity pair (perplexity_medical: held-out PubMedQA
 * test abstracts; perplexity_general: held-out wikitext-2 articles) per model, in bits per byte (comparable across
 * tokenizers) and word perplexity, with each model's change against the first (the reference, e.g. the base
 * model before continual pretraining). Forgetting shows as a general-domain rise, whatever its sign, beside the
 * medical fall. Empty when no model has either task.
 */
import type { ResultsJson } from "../run/ResultsJson.js";
import { escapeHtml, fmt } from "./htmlEscape.js";

export interface DomainShiftRow {
    name: string;
    results: ResultsJson;
}

const value = (r: ResultsJson, task: string, metric: string): number | undefined => {
    const v = r.results[task]?.[`${metric},none`];
    return typeof v === "number" ? v : undefined;
};

/** Relative change in percent of `v` against `ref` (negative: lower perplexity than the reference). */
function change(v: number | undefined, ref: number | undefined): string {
    return v === undefined || ref === undefined || ref === 0 ? "–" : `${v >= ref ? "+" : ""}${(100 * (v - ref) / ref).toFixed(1)}%`;
}

export function renderDomainShift(models: readonly DomainShiftRow[]): string {
    const present = models.some((m) => m.results.results.perplexity_medical !== undefined || m.results.results.perplexity_general !== undefined);
    if (!present) {
        return "";
    }
    const ref = models[0]!;
    const rows = models.map((m) => {
        const cells = ["perplexity_medical", "perplexity_general"].flatMap((task) => {
            const bpb = value(m.results, task, "bits_per_byte");
            return [fmt(bpb), fmt(value(m.results, task, "word_perplexity")), models.length > 1 ? change(bpb, value(ref.results, task, "bits_per_byte")) : ""];
        });
        return `<tr><td>${escapeHtml(m.name)}</td>${cells.map((c) => `<td class="num">${c}</td>`).join("")}</tr>`;
    }).join("");
    return `<section class="domain-shift"><h2>Medical gain beside general-domain change</h2>`
        + `<p class="note">Held-out perplexity (lm-eval loglikelihood_rolling): medical = PubMedQA test abstracts, general = wikitext-2 valid `
        + `articles. Lower is better; changes in bits per byte against ${escapeHtml(ref.name)}. A rise on general text is forgetting.</p>`
        + `<table id="domain-shift"><tr><th rowspan="2">Model</th><th colspan="3">medical</th><th colspan="3">general</th></tr>`
        + `<tr><th>bits/byte</th><th>word ppl</th><th>change</th><th>bits/byte</th><th>word ppl</th><th>change</th></tr>${rows}</table></section>`;
}

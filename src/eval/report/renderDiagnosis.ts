/**
 * The diagnosis section of a run's report: per diagnosis task, the accuracy-vs-K chart (normalised match, LLM
 * judge, clinician consensus and each clinician, with bootstrap 95 % CI bands), a top-K table with the CIs, the
 * unjudged count, and — once clinician reviews are imported — the agreement statistics (Cohen's κ per pair,
 * Fleiss' κ, percent agreement, with CIs). Reads results.json "details" only; no case text is shown here.
 */
import type { ResultsJson } from "../run/ResultsJson.js";
import type { AccuracyCurve } from "../tasks/diagnosis/diagnosisMetrics.js";
import type { AgreementStat } from "../judges/review/reviewStats.js";
import type { CurveSeries } from "./accuracyCurveChart.js";
import { accuracyCurveChart } from "./accuracyCurveChart.js";
import { escapeHtml, fmt } from "./htmlEscape.js";

interface DiagnosisDetails {
    k: number;
    n: number;
    judges: { match: AccuracyCurve; llm?: AccuracyCurve };
    unjudged?: number;
    comparisons?: { other_model: string; other_task: string; this_is: "a" | "b"; judges: { judge: string; cases: number;
        rows: { k: number; accuracyA: number; accuracyB: number; difference: number; differenceLow: number; differenceHigh: number;
            mcnemar: { b: number; c: number; pExact: number; pChi2: number }; }[]; }[]; }[];
    clinicians?: { pack: string; reviewers: string[]; curves: Record<string, AccuracyCurve>; consensus: AccuracyCurve;
        agreement: AgreementStat[]; fleiss: (Omit<AgreementStat, "a" | "b"> & { raters: number })[]; };
}

function isDiagnosisDetails(value: unknown): value is DiagnosisDetails {
    return typeof value === "object" && value !== null && "judges" in value && typeof (value as { k?: unknown }).k === "number";
}

function diagnosisSeries(d: DiagnosisDetails): CurveSeries[] {
    const series: CurveSeries[] = [{ label: "normalised match", curve: d.judges.match }];
    if (d.judges.llm !== undefined) {
        series.push({ label: "LLM judge", curve: d.judges.llm });
    }
    if (d.clinicians !== undefined) {
        if (d.clinicians.consensus.n > 0) {
            series.push({ label: "clinicians (consensus)", curve: d.clinicians.consensus });
        }
        for (const [r, curve] of Object.entries(d.clinicians.curves)) {
            series.push({ label: r, curve });
        }
    }
    return series;
}

/** The accuracy-vs-K series of one diagnosis task of a run; [] when the run has none. */
export function diagnosisSeriesOf(results: ResultsJson, task = "diagnosis"): CurveSeries[] {
    const raw = results.details?.[task];
    return isDiagnosisDetails(raw) ? diagnosisSeries(raw) : [];
}

const ci = (lo: number | null | undefined, hi: number | null | undefined): string =>
    (typeof lo === "number" && typeof hi === "number" ? ` [${lo.toFixed(3)}, ${hi.toFixed(3)}]` : "");

export function renderDiagnosisSection(results: ResultsJson): string {
    const parts: string[] = [];
    for (const [task, raw] of Object.entries(results.details ?? {})) {
        if (!isDiagnosisDetails(raw)) {
            continue;
        }
        const series = diagnosisSeries(raw);
        const head = `<tr><th>Judge</th><th>n</th>${Array.from({ length: raw.k }, (_, i) => `<th>top-${i + 1}</th>`).join("")}</tr>`;
        const rows = series.map((s) => `<tr data-judge="${escapeHtml(s.label)}"><td>${escapeHtml(s.label)}</td><td class="num">${s.curve.n}</td>`
            + s.curve.accuracy.map((v, k) => `<td class="num">${fmt(v, 3)}<br><span class="note">${ci(s.curve.ciLow[k], s.curve.ciHigh[k])}</span></td>`).join("")
            + "</tr>").join("");
        let agreement = "";
        if (raw.clinicians !== undefined) {
            const a = raw.clinicians.agreement.map((x) => `<tr><td>${escapeHtml(x.a)} × ${escapeHtml(x.b)}</td><td>${x.labels}</td><td class="num">${x.units}</td>`
                + `<td class="num">${fmt(x.kappa, 3)}${ci(x.kappaLow, x.kappaHigh)}</td><td class="num">${fmt(x.percent, 3)}${ci(x.percentLow, x.percentHigh)}</td></tr>`).join("");
            const f = raw.clinicians.fleiss.map((x) => `<tr><td>Fleiss, ${x.raters} reviewers</td><td>${x.labels}</td><td class="num">${x.units}</td>`
                + `<td class="num">${fmt(x.kappa, 3)}${ci(x.kappaLow, x.kappaHigh)}</td><td class="num">${fmt(x.percent, 3)}${ci(x.percentLow, x.percentHigh)}</td></tr>`).join("");
            agreement = `<h3>Agreement (review pack ${escapeHtml(raw.clinicians.pack)})</h3><table class="agreement">`
                + `<tr><th>Raters</th><th>Labels</th><th>Candidates</th><th>κ [95 % CI]</th><th>Agreement [95 % CI]</th></tr>${a}${f}</table>`
                + "<p class=\"note\">Cohen's κ for pairs, Fleiss' κ for all reviewers; units are candidates (item × rank); CIs bootstrap over items. "
                + "\"verdict\": exact / equivalent / related / wrong; \"correct\": exact or equivalent against the rest.</p>";
        }
        const comparisons = (raw.comparisons ?? []).map((c) => {
            // Stored from A's side; shown as this run minus the other.
            const sign = c.this_is === "a" ? 1 : -1;
            const rows = c.judges.flatMap((j) => j.rows.filter((r) => [1, 3, 5, 10].includes(r.k)).map((r) => {
                const [lo, hi] = sign === 1 ? [r.differenceLow, r.differenceHigh] : [-r.differenceHigh, -r.differenceLow];
                return `<tr><td>${escapeHtml(j.judge)}</td><td class="num">${j.cases}</td><td class="num">${r.k}</td>`
                    + `<td class="num">${fmt(sign * r.difference, 3)} [${fmt(lo, 3)}, ${fmt(hi, 3)}]</td>`
                    + `<td class="num">${fmt(r.mcnemar.pExact, 4)}</td><td class="num">${fmt(r.mcnemar.pChi2, 4)}</td></tr>`;
            })).join("");
            return `<h3>Paired comparison with ${escapeHtml(c.other_model)} (${escapeHtml(c.other_task)})</h3><table class="paired">`
                + `<tr><th>Judge</th><th>Cases</th><th>K</th><th>this − other [95 % CI]</th><th>McNemar exact p</th><th>χ² (corrected) p</th></tr>${rows}</table>`;
        }).join("");
        parts.push(`<section class="diagnosis" data-task="${escapeHtml(task)}"><h2>Diagnosis: ${escapeHtml(task)}</h2>`
            + `<div class="charts">${accuracyCurveChart(`${task}: top-K accuracy`, series)}</div>`
            + `<table class="topk">${head}${rows}</table>`
            + `<p class="note">${raw.n} answered cases. Bootstrap 95 % CIs over cases.`
            + (raw.unjudged !== undefined ? ` LLM judge: ${raw.unjudged} case(s) unjudged (no readable verdict), counted apart.` : "")
            + `</p>${comparisons}${agreement}</section>`);
    }
    return parts.join("");
}

/** The page of `mellama diagnosis compare`: both models' accuracy-vs-K curves per judge, and the paired table. */
import type { DiagnosisComparison } from "../judges/compareDiagnosisRuns.js";
import { accuracyCurveChart } from "./accuracyCurveChart.js";
import { escapeHtml, fmt } from "./htmlEscape.js";
import { PAGE_CSS } from "./pageStyle.js";

export function renderDiagnosisComparison(c: DiagnosisComparison): string {
    const name = (x: { model: string; task: string }): string => `${x.model} (${x.task})`;
    const sections = c.judges.map((j) => {
        const rows = j.rows.map((r) => `<tr><td class="num">${r.k}</td><td class="num">${fmt(r.accuracyA, 3)}</td><td class="num">${fmt(r.accuracyB, 3)}</td>`
            + `<td class="num">${fmt(r.difference, 3)} [${fmt(r.differenceLow, 3)}, ${fmt(r.differenceHigh, 3)}]</td>`
            + `<td class="num">${r.mcnemar.b} / ${r.mcnemar.c}</td><td class="num">${fmt(r.mcnemar.pExact, 4)}</td><td class="num">${fmt(r.mcnemar.pChi2, 4)}</td></tr>`).join("");
        return `<section data-judge="${j.judge}"><h2>${j.judge === "match" ? "Normalised match" : j.judge === "llm" ? "LLM judge" : "Clinicians (consensus)"} (${j.cases} paired cases)</h2>`
            + accuracyCurveChart(`top-K accuracy, ${j.judge}`, [{ label: `A: ${c.a.model}`, curve: j.curveA }, { label: `B: ${c.b.model}`, curve: j.curveB }])
            + `<table><tr><th>K</th><th>A</th><th>B</th><th>A − B [95 % CI]</th><th>only A / only B</th><th>McNemar exact p</th><th>χ² (corrected) p</th></tr>${rows}</table></section>`;
    }).join("");
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>diagnosis: paired comparison</title><style>${PAGE_CSS}</style></head><body>
<h1>Diagnosis: paired comparison</h1><p>A: ${escapeHtml(name(c.a))}<br>B: ${escapeHtml(name(c.b))}</p>
<p class="note">Cases answered by both (and, for the LLM judge, judged in both). Paired bootstrap 95 % CIs resample cases; McNemar's test on
the cases where exactly one model had the diagnosis within its top K.</p>${sections}</body></html>
`;
}

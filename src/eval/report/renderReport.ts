/**
 * report.html for one run: ONE self-contained page (inline CSS, JS and SVG; no network) with the results table,
 * an SVG bar chart per task, missing-answer and failure rates, the one-model comparison row, and a sample
 * browser (filter by task and by correct / incorrect / failed). The page embeds at most SAMPLES_PER_TASK samples
 * per task to stay small; every sample is in samples_<task>.jsonl. Sample text is clinical: it belongs in this
 * file only, never in logs.
 */
import type { ResultsJson, SampleRecord } from "../run/ResultsJson.js";
import { barChart } from "./barChart.js";
import { escapeHtml, fmt, jsonForScript } from "./htmlEscape.js";
import { PAGE_CSS } from "./pageStyle.js";
import { renderComparison } from "./renderComparison.js";
import { renderDiagnosisSection } from "./renderDiagnosis.js";

export const SAMPLES_PER_TASK = 300;

export interface ReportInput {
    results: ResultsJson;
    samples: ReadonlyMap<string, readonly SampleRecord[]>;
    title?: string;
}

/** correct / incorrect / failed: acc or exact match where the task scores one, else parsed answer equals gold. */
export function sampleStatus(s: SampleRecord): "correct" | "incorrect" | "failed" {
    if (s.error !== null) {
        return "failed";
    }
    // Diagnosis: correct when the gold is anywhere in the differential (match_rank > 0).
    const flag = s.scores.acc ?? s.scores.exact_match ?? s.scores.em ?? s.scores.match_rank;
    const ok = flag !== undefined ? flag >= 1 : JSON.stringify(s.parsed) === JSON.stringify(s.gold);
    return ok ? "correct" : "incorrect";
}

export function renderReport({ results, samples, title }: ReportInput): string {
    const tasks = Object.keys(results.results);
    const pageTitle = title ?? `mellama eval: ${results.config.model}`;
    const rows = tasks.map((task) => {
        const r = results.results[task]!;
        const metrics = Object.keys(r).filter((k) => k.endsWith(",none") && !k.includes("_stderr,")).map((k) => k.slice(0, -5));
        // Headline metrics (the paper's, then acc and missing) in full; the rest (HoC's per-label F1s…) folded.
        const headline = [...new Set([...(results.reported[task] ?? []), "acc", "missing"])].filter((m) => metrics.includes(m));
        const cell = (m: string): string => `${escapeHtml(m)} ${fmt(r[`${m},none`])}`
            + (typeof r[`${m}_stderr,none`] === "number" ? ` ± ${fmt(r[`${m}_stderr,none`])}` : "");
        const rest = metrics.filter((m) => !headline.includes(m));
        const cells = headline.map((m) => `<b>${cell(m)}</b>`).join("<br>")
            + (rest.length === 0 ? "" : `<details><summary>${rest.length} more</summary>${rest.map(cell).join("<br>")}</details>`);
        const n = results["n-samples"][task]!;
        const f = results.failures[task]!;
        const missing = results.missing_rate[task];
        return `<tr data-task="${escapeHtml(task)}"><td>${escapeHtml(task)}</td><td>${cells}</td><td class="num">${n.effective}/${n.original}</td>`
            + `<td class="num">${missing === null || missing === undefined ? "–" : fmt(missing, 3)}</td>`
            + `<td class="num${f.count > 0 ? " bad" : ""}">${f.count} (${fmt(f.rate, 3)})</td></tr>`;
    }).join("");
    const charts = tasks.map((task) => {
        const r = results.results[task]!;
        // The headline metrics, then accuracy and the missing-answer rate where the task has them.
        const bars = [...new Set([...(results.reported[task] ?? []), "acc", "missing"])]
            // Perplexities (lower is better, unbounded) are tabled, not drawn on the 0..1 bars.
            .filter((m) => typeof r[`${m},none`] === "number" && results.higher_is_better[task]?.[m] !== false)
            .map((m) => ({ label: m, value: r[`${m},none`] as number }));
        const n = results["n-samples"][task]!;
        bars.push({ label: "failure rate", value: n.effective === 0 ? 0 : n.failed / n.effective });
        return barChart(task, bars.slice(0, 12));
    }).join("");
    const embedded = tasks.flatMap((task) => (samples.get(task) ?? []).slice(0, SAMPLES_PER_TASK).map((s) => ({
        task, id: s.doc_id, status: sampleStatus(s), prompt: s.prompt, output: s.output, parsed: s.parsed, gold: s.gold, error: s.error,
    })));
    const failures = tasks.flatMap((task) => results.failures[task]!.examples.slice(0, 5).map((e) =>
        `<li>${escapeHtml(task)} / ${escapeHtml(e.doc_id)}: ${escapeHtml(e.error)}</li>`)).join("");
    const notRun = [...Object.entries(results.skipped ?? {}).map(([task, why]) => `<li>${escapeHtml(task)} skipped: ${escapeHtml(why)}</li>`),
        ...Object.entries(results.not_computed ?? {}).flatMap(([task, metrics]) => Object.entries(metrics).map(([m, why]) =>
            `<li>${escapeHtml(task)} ${escapeHtml(m)} not computed: ${escapeHtml(why)}</li>`)),
        ...Object.entries(results.truncated ?? {}).filter(([, n]) => n > 0).map(([task, n]) =>
            `<li>${escapeHtml(task)}: ${n} prompt(s) cut from the left to fit the model's window</li>`)].join("");
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(pageTitle)}</title>
<style>${PAGE_CSS}</style></head><body>
<h1>${escapeHtml(pageTitle)}</h1>
<p class="note">model ${escapeHtml(results.config.model)} · scoring ${escapeHtml(results.config.scoring)} · ${results.config.num_fewshot}-shot ·
prompt ${escapeHtml(results.config.model_prompt)} · limit ${results.config.limit ?? "none"} · max tokens ${results.config.max_tokens} ·
git ${escapeHtml(results.git_hash ?? "unknown")} · ${escapeHtml(results.date)} · ${fmt(results.total_evaluation_time_seconds, 1)} s</p>
<h2>Results</h2>
<table id="results"><tr><th>Task</th><th>Metrics</th><th>Samples</th><th>Missing rate</th><th>Failures</th></tr>${rows}</table>
${failures === "" ? "" : `<h3>Failed requests (first per task)</h3><ul id="failures">${failures}</ul>`}
${notRun === "" ? "" : `<h3>Not evaluated</h3><ul id="not-run">${notRun}</ul>`}
<h2>Charts</h2><div class="charts">${charts}</div>
${renderDiagnosisSection(results)}
${renderComparison([{ name: results.config.model, results }], "Comparison row (paper Table 3 layout)")}
<h2>Samples</h2>
<div class="controls"><label>Task <select id="f-task"><option value="">all</option>${tasks.map((t) => `<option>${escapeHtml(t)}</option>`).join("")}</select></label>
<label>Show <select id="f-status"><option value="">all</option><option>correct</option><option>incorrect</option><option>failed</option></select></label>
<span id="f-count"></span> <button id="f-more">more</button></div>
<p class="note">The page holds at most ${SAMPLES_PER_TASK} samples per task; samples_&lt;task&gt;.jsonl has them all.</p>
<div id="samples"></div>
<script id="sample-data" type="application/json">${jsonForScript(embedded)}</script>
<script>${BROWSER_JS}</script>
</body></html>
`;
}

const BROWSER_JS = `
(function(){
var data=JSON.parse(document.getElementById('sample-data').textContent);
var box=document.getElementById('samples'),task=document.getElementById('f-task'),status=document.getElementById('f-status');
var count=document.getElementById('f-count'),more=document.getElementById('f-more'),shown=50;
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!==undefined)e.textContent=text;return e;}
function show(v){return v===null||v===undefined?'-':typeof v==='string'?v:JSON.stringify(v);}
function render(){
  var list=data.filter(function(s){return (!task.value||s.task===task.value)&&(!status.value||s.status===status.value);});
  box.textContent='';
  list.slice(0,shown).forEach(function(s){
    var d=el('div','sample '+s.status);d.dataset.task=s.task;d.dataset.status=s.status;
    d.appendChild(el('div','',s.task+' / '+s.id+' : '+s.status));
    var p=el('details');p.appendChild(el('summary','','prompt'));p.appendChild(el('pre','',s.prompt));d.appendChild(p);
    d.appendChild(el('div','','output:'));d.appendChild(el('pre','',show(s.output)));
    d.appendChild(el('div','','parsed: '+show(s.parsed)+' | gold: '+show(s.gold)+(s.error?' | error: '+s.error:'')));
    box.appendChild(d);
  });
  count.textContent=list.length+' samples';more.style.display=list.length>shown?'':'none';
}
task.onchange=function(){shown=50;render();};status.onchange=function(){shown=50;render();};
more.onclick=function(){shown+=50;render();};
render();
})();
`;

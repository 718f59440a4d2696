/**
 * The nano Me-LLaMA recipe, end to end on one machine (the tool's main job, `npm run demo`):
 *   tokenizer  trained on the corpus text;
 *   base       a small LLaMA pretrained from scratch on general text (wikitext-2);
 *   Me         base + continual pretraining on the biomedical : clinical : general = 15 : 1 : 4 mix;
 *   base-instruct, Me-chat   LoRA instruction tuning of each on the benchmark train splits (merged for evaluation);
 * then all four evaluated zero-shot on the shared test sets (PubMedQA, MedQA, MedMCQA, HoC, DDI, MTSamples) with
 * the paper's scoring, held-out perplexity on PubMed abstracts and clinical notes (test items, never trained on),
 * and one report page shaped like the paper's Table 3, with the loss curves; then the diagnosis row: each model's
 * ranked differentials on the shipped SYNTHETIC cases (normalised match and the judge-oracle), a paired comparison
 * of Me-chat with base-instruct, and a blinded clinician review pack.
 * Scale "nano" finishes in minutes on 2 cores; "small" is the honest, slower run. Numbers are whatever this run
 * measures; at these sizes the instruction-tuned models are expected near chance on most tasks.
 */
import { ConfigError } from "../errors/MellamaError.js";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildDocuments, packCorpus, type CorpusManifest } from "../corpus/buildCorpus.js";
import { parseCorpusConfig } from "../corpus/CorpusConfig.js";
import { lmFromSession } from "../eval/backends/createNativeLM.js";
import { renderComparison } from "../eval/report/renderComparison.js";
import type { ResultsJson } from "../eval/run/ResultsJson.js";
import { evaluate } from "../eval/run/evaluate.js";
import { createJudgeOracleLM } from "../eval/backends/createJudgeOracleLM.js";
import { compareDiagnosisRuns } from "../eval/judges/compareDiagnosisRuns.js";
import { exportReviewPack } from "../eval/judges/review/exportReviewPack.js";
import { accuracyCurveChart } from "../eval/report/accuracyCurveChart.js";
import { diagnosisSeriesOf } from "../eval/report/renderDiagnosis.js";
import { readMtsamples, mtsampleSplit } from "../eval/loaders/readMtsamples.js";
import { readPubmedqa } from "../eval/loaders/readPubmedqa.js";
import { buildInstructions } from "../instruct/buildInstructions.js";
import { benchmarkTestTexts, benchmarkTrainSplit } from "../instruct/benchmarkSources.js";
import { parseInstructConfig } from "../instruct/InstructConfig.js";
import { getKernelSet } from "../kernels/index.js";
import { InferenceSession } from "../model/inference/InferenceSession.js";
import type { LlamaConfig } from "../model/LlamaConfig.js";
import { LlamaModel } from "../model/LlamaModel.js";
import { mergeLora } from "../model/lora/peftAdapter.js";
import { loadTokenizer } from "../tokenizer/loadTokenizer.js";
import { saveTokenizer } from "../tokenizer/saveTokenizer.js";
import { trainBpe } from "../tokenizer/trainBpe.js";
import { lossCurvePlot } from "../train/lossCurvePlot.js";
import { parsePretrainConfig } from "../train/PretrainConfig.js";
import { runPretrainConfig } from "../train/runTraining.js";
import { readConversations } from "../train/readConversations.js";
import { openModel } from "../formats/model/openModel.js";
import { loadWeights } from "../model/loadWeights.js";
import { parseSftConfig } from "../train/SftConfig.js";
import { sft } from "../train/sft.js";
import { atomicWriteFileSync } from "../util/atomicWrite.js";
import { writeSampleData } from "./writeSampleData.js";

export interface DemoOptions {
    out: string;
    /** Benchmark data; when absent (or, unless dataRequired, incomplete) a synthetic sample set is written and used. */
    data?: string;
    /** `data` was asked for by the user (--data, MELLAMA_DATA): incomplete is an error, never a silent switch to synthetic data. */
    dataRequired?: boolean;
    scale?: "smoke" | "nano" | "small";
    threads?: number;
    log?: (line: string) => void;
}

interface Scale {
    vocab: number;
    model: Omit<LlamaConfig, "vocabSize" | "normEps" | "ropeTheta" | "tieEmbeddings">;
    seqLen: number;
    baseSteps: number;
    meSteps: number;
    sftSteps: number;
    batch: number;
    evalLimit: number;
    evalTokens: number;
    pplDocs: number;
}

const SCALES: Record<"smoke" | "nano" | "small", Scale> = {
    /** For tests: every stage runs, nothing is learned. */
    smoke: { vocab: 600, model: { dim: 32, nLayers: 2, nHeads: 2, nKvHeads: 1, hiddenDim: 64, maxSeqLen: 192 }, seqLen: 65,
        baseSteps: 4, meSteps: 4, sftSteps: 3, batch: 2, evalLimit: 4, evalTokens: 4, pplDocs: 4 },
    nano: { vocab: 4096, model: { dim: 128, nLayers: 4, nHeads: 4, nKvHeads: 2, hiddenDim: 352, maxSeqLen: 512 }, seqLen: 257,
        baseSteps: 150, meSteps: 150, sftSteps: 60, batch: 8, evalLimit: 40, evalTokens: 8, pplDocs: 60 },
    /** The honest run: about an hour on 2 cores (dim 288, 6 layers, ~8 M parameters with an 8192-piece vocabulary). */
    small: { vocab: 8192, model: { dim: 288, nLayers: 6, nHeads: 6, nKvHeads: 3, hiddenDim: 768, maxSeqLen: 512 }, seqLen: 257,
        baseSteps: 500, meSteps: 500, sftSteps: 300, batch: 8, evalLimit: 100, evalTokens: 16, pplDocs: 200 },
};

const TASKS = ["pubmedqa", "medqa", "medmcqa", "hoc", "ddi2013", "mtsample"];
/**
 * Scored by log-likelihood: graded even for models that never learned the answer format (their generative rows
 * are 0), and the held-out perplexity pair that shows medical gain beside general-domain change.
 */
const SCORED_TASKS = ["pubmedqa_mc", "medqa_mc", "medmcqa_mc", "ddi2013_mc", "perplexity_medical", "perplexity_general"];
const REQUIRED = ["pubmedqa/ori_pqal.json", "pubmedqa/test_ground_truth.json", "hoc/blue_split/test.tsv", "mtsamples/mtsamples.csv", "wikitext2/test.txt",
    "medqa/test.jsonl", "medmcqa/test_medagentsbench_singlechoice_dev.jsonl", "ddi2013/blurb_format/test.tsv"];

export interface DemoResult {
    report: string;
    table: { model: string; pubmedPpl: number; clinicalPpl: number; results: ResultsJson; diagnosis: ResultsJson; diagnosisRun: string }[];
    /** The diagnosis row's extras: Me-chat against base-instruct, and a blinded review pack for clinicians. */
    diagnosis: { comparison: string; reviewPack: string };
    usedSampleData: boolean;
    seconds: number;
    /** Where each model is: a Hugging Face directory (base, Me) or a PEFT adapter on one (base-instruct, Me-chat). */
    paths: { model: string; path: string; base?: string }[];
}

export async function runNanoMeLlama({ out, data, dataRequired = false, scale = "nano", threads, log = (l) => process.stderr.write(`${l}\n`) }: DemoOptions): Promise<DemoResult> {
    const began = performance.now();
    const s = SCALES[scale];
    out = resolve(out);
    mkdirSync(out, { recursive: true });
    let dataDir = data === undefined ? undefined : resolve(data);
    const missing = dataDir === undefined ? undefined : REQUIRED.find((f) => !existsSync(join(dataDir!, f)));
    if (dataRequired && missing !== undefined) {
        throw new ConfigError("--data", `${dataDir} lacks ${missing} (fetch it with \`mellama data fetch\`, or leave --data and MELLAMA_DATA unset for the synthetic sample set)`);
    }
    const usedSampleData = dataDir === undefined || REQUIRED.some((f) => !existsSync(join(dataDir!, f)));
    if (usedSampleData) {
        dataDir = join(out, "sample-data");
        writeSampleData(dataDir);
        log(`No benchmark data given (--data or MELLAMA_DATA) or it is incomplete: using a SYNTHETIC sample set written to ${dataDir}. `
            + "Its results say nothing about medicine.");
    }
    const root = dataDir!;
    const stage = (name: string): void => log(`\n== ${name} (${((performance.now() - began) / 1000).toFixed(0)} s)`);

    // 1. Corpus text for the tokenizer, then the tokenizer.
    stage("tokenizer");
    const tokDir = join(out, "tokenizer");
    if (!existsSync(join(tokDir, "tokenizer.model"))) {
        const lines = [readFileSync(join(root, "wikitext2", "test.txt"), "utf8"),
            ...readPubmedqa(join(root, "pubmedqa", "ori_pqal.json"), () => undefined, "train").map((r) => r.contexts.join("\n")),
            ...mtsampleSplit(readMtsamples(join(root, "mtsamples", "mtsamples.csv"), () => undefined), "train").slice(0, 600).map((r) => r.transcription)];
        saveTokenizer(tokDir, trainBpe(lines.join("\n").split("\n"), { vocabSize: s.vocab }));
    }
    const tokenizer = loadTokenizer(tokDir);
    log(`tokenizer: ${tokenizer.vocabSize} pieces`);

    // 2. Two corpora: general only (for the base model) and the 15:1:4 medical mix (continual pretraining).
    stage("corpora");
    const corpus = async (name: string, sources: unknown[], mix: Record<string, number>): Promise<CorpusManifest> => {
        const path = join(out, `${name}.corpus.json`);
        writeFileSync(path, JSON.stringify({ output: name, tokenizer: tokDir, seqLen: s.seqLen, mix, validationFraction: 0.02, sources }));
        const config = parseCorpusConfig(JSON.parse(readFileSync(path, "utf8")), path);
        await buildDocuments(config, 0, 1);
        return packCorpus(config, tokenizer, 1);
    };
    const general = { name: "wikitext2", domain: "general", format: "text", path: join(root, "wikitext2", "test.txt") };
    const generalCorpus = await corpus("corpus-general", [general], { biomedical: 0, clinical: 0, general: 1 });
    const mixCorpus = await corpus("corpus-medical", [
        { name: "pubmedqa", domain: "biomedical", format: "pubmedqa", path: join(root, "pubmedqa", "ori_pqal.json"), excludeIdsFrom: join(root, "pubmedqa", "test_ground_truth.json") },
        { name: "hoc", domain: "biomedical", format: "hoc", path: join(root, "hoc", "text") },
        { name: "mtsamples", domain: "clinical", format: "csv", path: join(root, "mtsamples", "mtsamples.csv"), column: "transcription" },
        general,
    ], { biomedical: 15, clinical: 1, general: 4 });
    const share = (m: CorpusManifest): string => Object.entries(m.domains).map(([d, v]) => `${d} ${(100 * v.achievedShare).toFixed(1)}%`).join(", ");
    log(`general corpus: ${generalCorpus.train.sequences} sequences; medical mix: ${mixCorpus.train.sequences} sequences (${share(mixCorpus)})`);

    // 3–4. Base from scratch on general text; Me = base continued on the mix.
    const modelShape = { ...s.model };
    const pretrainRun = (name: string, corpusDir: string, steps: number, initFrom?: string): string => {
        stage(`pretrain ${name}`);
        const config = parsePretrainConfig({
            output: join(out, name), tokenizer: tokDir, data: { train: join(out, corpusDir), validation: join(out, corpusDir) },
            ...(initFrom === undefined ? { model: modelShape } : { initFrom }), microBatchSize: s.batch, gradAccum: 1, maxSteps: steps,
            // Nano scale: Me-LLaMA's 8e-6 would not move a model this small in a few hundred steps.
            optimizer: { lr: initFrom === undefined ? 3e-3 : 1e-3, weightDecay: 0.1 }, checkpointEvery: steps,
            keepCheckpoints: 1, evalEvery: Math.max(1, Math.floor(steps / 5)),
            evalBatches: 4, logEvery: 1, threads, seed: 1234,
        }, name);
        const r = runPretrainConfig(config, true);
        log(`${name}: loss ${r.finalLoss.toFixed(3)}, validation ${r.validationLoss?.toFixed(3) ?? "-"}, ${Math.round(r.tokensPerSecond)} tok/s`);
        return r.checkpoint;
    };
    const baseCkpt = pretrainRun("base", "corpus-general", s.baseSteps);
    const meCkpt = pretrainRun("me", "corpus-medical", s.meSteps, baseCkpt);

    // 5. Instruction data from the benchmark train splits, checked against every test set.
    stage("instruction data");
    const instructDir = join(out, "instruct");
    const instructReport = await buildInstructions({
        config: parseInstructConfig({ output: instructDir, seed: 42, sources: [
            { benchmark: "pubmedqa" }, { benchmark: "hoc", count: 600 }, { benchmark: "ddi2013", count: 800 }, { benchmark: "mtsample", count: 600 }] }),
        loadBenchmarkTrain: (task) => benchmarkTrainSplit(task, root), loadTestTexts: (tasks) => benchmarkTestTexts(tasks, root),
    });
    log(`instructions: ${instructReport.total} examples; ${instructReport.leakedTotal} dropped for overlapping a test document`);
    const examples = readConversations(join(instructDir, "instructions.jsonl"));

    // 6. LoRA instruction tuning of both, merged for serving.
    const tune = (name: string, baseDir: string): LlamaModel => {
        stage(`instruction-tune ${name}`);
        using base = openModel(baseDir);
        const r = sft({ config: parseSftConfig({ output: join(out, name), base: baseDir, data: { train: "instructions.jsonl" },
            seqLen: Math.min(384, s.model.maxSeqLen), layout: "pad", template: "plain", microBatchSize: 4, gradAccum: 1, maxSteps: s.sftSteps, lora: { r: 8, alpha: 16, dropout: 0.05 },
            optimizer: { lr: 2e-3 }, checkpointEvery: s.sftSteps, keepCheckpoints: 1, threads, seed: 7 }, name),
        base, tokenizer, train: examples, resume: true });
        log(`${name}: loss ${r.finalLoss.toFixed(3)} on ${r.rows} rows`);
        paths.push({ model: name, path: r.checkpoint, base: baseDir });
        mergeLora(r.model, r.adapters);
        return r.model;
    };
    const load = (dir: string): LlamaModel => {
        using source = openModel(dir);
        const model = new LlamaModel({ config: source.config, kernels: getKernelSet({ threads }), maxBatch: 1, maxT: s.model.maxSeqLen, training: false });
        loadWeights(model, source);
        return model;
    };
    const models: [string, LlamaModel][] = [["base", load(baseCkpt)], ["Me", load(meCkpt)]];
    const paths: DemoResult["paths"] = [{ model: "base", path: baseCkpt }, { model: "me", path: meCkpt }];
    models.push(["base-instruct", tune("base-instruct", baseCkpt)], ["Me-chat", tune("me-chat", meCkpt)]);

    // 7–8. Zero-shot evaluation and held-out perplexity.
    const pubmedTest = readPubmedqa(join(root, "pubmedqa", "ori_pqal.json"), () => undefined, "test").slice(0, s.pplDocs).map((r) => r.contexts.join("\n"));
    const notesTest = mtsampleSplit(readMtsamples(join(root, "mtsamples", "mtsamples.csv"), () => undefined), "test").slice(0, s.pplDocs).map((r) => r.transcription);
    const table: DemoResult["table"] = [];
    for (const [name, model] of models) {
        stage(`evaluate ${name}`);
        const inference = new LlamaModel({ config: model.config, kernels: model.kernels, maxBatch: 1, maxT: s.model.maxSeqLen, training: false });
        for (const spec of model.layout) {
            inference.tensor(spec.name).set(model.tensor(spec.name));
        }
        const session = new InferenceSession({ model: inference, tokenizer });
        const result = await evaluate({ lm: lmFromSession(`demo:${name}`, session), tasks: [...TASKS, ...SCORED_TASKS], outputDir: join(out, "eval"), limit: s.evalLimit,
            maxTokens: s.evalTokens, scoring: "paper", dataDir: root, modelSpec: `demo:${name}`, progress: false,
            // The sample data carries DDI as BLURB's tsv only (the same 5716 pairs as the XML on the real data).
            taskPaths: existsSync(join(root, "ddi2013", "Test")) ? undefined : { ddi2013: join(root, "ddi2013", "blurb_format", "test.tsv"), ddi2013_mc: join(root, "ddi2013", "blurb_format", "test.tsv") } });
        // The diagnosis row: the shipped SYNTHETIC cases, a ranked differential per case, judged by normalised match
        // and the deterministic judge-oracle (a real study names an LLM judge: --judge openai:URL#model).
        const diag = await evaluate({ lm: lmFromSession(`demo:${name}`, session), tasks: ["diagnosis"], outputDir: join(out, "eval"),
            runDir: join(out, "eval", `diagnosis-${name}`), limit: s.evalLimit, maxTokens: s.evalTokens * 6, dataDir: root,
            modelSpec: `demo:${name}`, judge: createJudgeOracleLM(), progress: false });
        const pubmedPpl = perplexity(inference, tokenizer, pubmedTest);
        const clinicalPpl = perplexity(inference, tokenizer, notesTest);
        log(`${name}: PubMed perplexity ${pubmedPpl.toFixed(1)}, clinical ${clinicalPpl.toFixed(1)}; run ${result.runDir}; diagnosis ${diag.runDir}`);
        table.push({ model: name, pubmedPpl, clinicalPpl, results: result.results, diagnosis: diag.results, diagnosisRun: diag.runDir });
    }

    // 9. Diagnosis extras: the chat model against the base-instruct one (paired), and a review pack for clinicians.
    stage("diagnosis comparison and review pack");
    const diagDir = join(out, "diagnosis");
    mkdirSync(diagDir, { recursive: true });
    const chat = table.find((t) => t.model === "Me-chat")!;
    const baseInstruct = table.find((t) => t.model === "base-instruct")!;
    const compared = compareDiagnosisRuns({ runA: chat.diagnosisRun, runB: baseInstruct.diagnosisRun, out: diagDir });
    const packDir = join(diagDir, "review-pack");
    const reviewPack = existsSync(join(packDir, "key.json")) ? packDir
        : exportReviewPack({ runs: table.map((t) => t.diagnosisRun), reviewers: 2, out: packDir });
    log(`diagnosis: comparison ${compared.page}; review pack for 2 clinicians ${reviewPack}`);

    // 10. One page: the Table-3-shaped comparison, perplexities, loss curves, the diagnosis row.
    stage("report");
    const curves = ["base", "me", "base-instruct", "me-chat"].map((run) => {
        const path = join(out, run, "log.jsonl");
        const entries = existsSync(path) ? readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { step: number; kind: string; loss: number }) : [];
        return lossCurvePlot({ title: run, width: 420, height: 220, train: entries.filter((e) => e.kind === "train"), validation: entries.filter((e) => e.kind === "validation") });
    });
    const seconds = (performance.now() - began) / 1000;
    const reportPath = join(out, "report.html");
    atomicWriteFileSync(reportPath, demoPage(table, curves, { comparison: compared.page, reviewPack, scale, usedSampleData, seconds,
        mix: share(mixCorpus), instructions: instructReport.total, leaked: instructReport.leakedTotal, limit: s.evalLimit }));
    atomicWriteFileSync(join(out, "summary.json"), `${JSON.stringify({ scale, usedSampleData, seconds, table: table.map((t) => ({ model: t.model, pubmedPpl: t.pubmedPpl, clinicalPpl: t.clinicalPpl, results: t.results.results,
        diagnosis: t.diagnosis.results.diagnosis })) }, null, 2)}\n`);
    return { report: reportPath, table, usedSampleData, seconds, diagnosis: { comparison: compared.page, reviewPack }, paths };
}

/** Token-weighted perplexity of the documents (each cut to the model's context), BOS-prefixed. */
export function perplexity(model: LlamaModel, tokenizer: { encode(t: string, o?: { bos?: boolean }): number[] }, docs: readonly string[]): number {
    let nll = 0;
    let count = 0;
    for (const doc of docs) {
        const ids = tokenizer.encode(doc, { bos: true }).slice(0, Math.min(model.maxT, model.config.maxSeqLen) + 1);
        if (ids.length < 2) {
            continue;
        }
        const T = ids.length - 1;
        const loss = model.forward(Int32Array.from(ids.slice(0, T)), Int32Array.from(ids.slice(1)), 1, T, { computeGrad: false });
        nll += loss * T;
        count += T;
    }
    return Math.exp(nll / Math.max(1, count));
}

function diagnosisRow(table: DemoResult["table"], info: { comparison: string; reviewPack: string }): string {
    const esc = (t: string): string => t.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
    const cell = (r: ResultsJson, m: string): string => {
        const v = r.results.diagnosis?.[`${m},none`];
        return `<td class="num">${typeof v === "number" ? v.toFixed(3) : "–"}</td>`;
    };
    const metrics = ["top1_match", "top5_match", "top10_match", "top1_llm", "top5_llm", "top10_llm"];
    const rows = table.map((t) => `<tr><td>${esc(t.model)}</td>${metrics.map((m) => cell(t.diagnosis, m)).join("")}</tr>`).join("");
    const charts = table.map((t) => accuracyCurveChart(`${t.model}: top-K accuracy`, diagnosisSeriesOf(t.diagnosis))).join("");
    return `<h2>Clinical case diagnosis (SYNTHETIC cases)</h2><p>Each model gives a ranked differential of 10 for the shipped synthetic cases
(written for mellama, not real patients); judged by normalised matching and by the deterministic judge-oracle standing in for an LLM judge
(name a real one with <code>--judge openai:URL#model</code>). Paired comparison Me-chat vs base-instruct: <code>${esc(info.comparison)}</code>.
A blinded review pack for two clinicians (offline forms, CSV): <code>${esc(info.reviewPack)}</code>; import their CSVs with
<code>mellama diagnosis review import</code>.</p><table><tr><th>Model</th>${metrics.map((m) => `<th>${m}</th>`).join("")}</tr>${rows}</table>
<div class="curves">${charts}</div>`;
}

function demoPage(table: DemoResult["table"], curves: string[], info: { comparison: string; reviewPack: string; scale: string; usedSampleData: boolean; seconds: number; mix: string; instructions: number; leaked: number; limit: number }): string {
    const esc = (t: string): string => t.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
    const ppl = `<table><tr><th>Model</th><th>PubMed abstracts</th><th>Clinical notes</th></tr>${table.map((t) =>
        `<tr><td>${esc(t.model)}</td><td class="num">${t.pubmedPpl.toFixed(2)}</td><td class="num">${t.clinicalPpl.toFixed(2)}</td></tr>`).join("")}</table>`;
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>nano Me-LLaMA</title><style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px}
.num{text-align:right;font-variant-numeric:tabular-nums}.warn{background:#fff3cd;padding:8px;border:1px solid #e0c060}.curves{display:flex;flex-wrap:wrap;gap:8px}
</style></head><body><h1>nano Me-LLaMA (${esc(info.scale)})</h1>
${info.usedSampleData ? `<p class="warn">Run on the SYNTHETIC sample data mellama writes when no benchmark data is given: these numbers say nothing about medicine.</p>` : ""}
<p>base: pretrained from scratch on wikitext-2; Me: base + continual pretraining on the 15 : 1 : 4 mix (${esc(info.mix)});
base-instruct and Me-chat: LoRA instruction tuning of each on ${info.instructions} benchmark-train instructions (${info.leaked} dropped as test-set overlaps).
Zero-shot, paper scoring, ${info.limit} documents per task; ${info.seconds.toFixed(0)} s in all.</p>
${renderComparison(table.map((t) => ({ name: t.model, results: t.results })), "Zero-shot results (shaped like the paper's Table 3)")}
${diagnosisRow(table, info)}
<h2>Held-out perplexity</h2><p>PubMedQA test abstracts and MTSamples test notes, never trained on.</p>${ppl}
<h2>Loss curves</h2><div class="curves">${curves.join("")}</div></body></html>`;
}

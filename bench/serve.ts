/**
 * bench:serve — `mellama serve` (a child process on loopback, 2 threads, --max-batch 16) under 1, 4 and 16
 * concurrent streaming clients (/v1/completions, stream: true, greedy, each client one request, all started
 * together) against the same model's in-process `generateBatch` over the same prompts and max_tokens, with the same
 * thread count, in this process. The two sides alternate, and which goes first alternates by round; the first round
 * of each level warms both and is dropped; figures are medians of `reps` rounds. Both sides must do the same work:
 * the generated token counts must be equal (each side counts from its own output, so EOS ends the same sequences),
 * and the batch composition is read from both batchers (decode steps and the rows they decoded: the server's from
 * GET /metrics), reported, and any round where they differ is counted in the row's config. Reported: aggregate
 * generated tokens/s, the clients' p50/p99 time to first token and inter-token latency (gaps between streamed
 * chunks) pooled over the measured rounds, and the CPU seconds per generated token of the server and its clients
 * together against the in-process batch's (Linux: the server's from /proc): on a shared machine other people's
 * load moves the wall-clock ratio far more than it moves CPU time (the row's config also gives the server
 * process's own share, `serverProcessMsPerToken`). The load average at the start and end of each
 * model's rounds is in every row's config. Random-weight tiny15m (F32) and small110m (F16) as GGUF with a
 * 32000-piece tokenizer, as bench:infer builds them. `--quick`: 2 rounds, shorter generations. `--only PRESET`:
 * that model alone. `--reps N`: rounds per level (default 9). `--cpu-prof DIR`: the server runs under Node's
 * --cpu-prof and writes its profile into DIR when it stops (to look at the server's own work per token).
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportModel } from "../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../src/formats/hf/writeHfCheckpoint.js";
import { referenceKernels } from "../src/kernels/reference/index.js";
import { loadForInference } from "../src/model/inference/index.js";
import { resolvePreset } from "../src/model/LlamaConfig.js";
import { LlamaModel } from "../src/model/LlamaModel.js";
import { loadSentencePieceTokenizer } from "../src/tokenizer/loadTokenizer.js";
import { saveTokenizer } from "../src/tokenizer/saveTokenizer.js";
import { PieceType } from "../src/tokenizer/Tokenizer.js";
import { type BenchRow, median, writeBenchResults } from "./lib/benchResults.js";
import { compiledCli } from "./lib/compiledCli.js";

const quick = process.argv.includes("--quick");
const onlyAt = process.argv.indexOf("--only");
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const repsAt = process.argv.indexOf("--reps");
const profAt = process.argv.indexOf("--cpu-prof");
const profDir = profAt >= 0 ? process.argv[profAt + 1] : undefined;
const reps = repsAt >= 0 ? Number(process.argv[repsAt + 1]) : quick ? 2 : 9;
const LEVELS = [1, 4, 16];
const THREADS = 2;
const dir = mkdtempSync(join(tmpdir(), "mellama-bench-serve-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const bin = compiledCli();

const fixture = loadSentencePieceTokenizer(fileURLToPath(new URL("../test/fixtures/tokenizer/llama_like.model", import.meta.url))).model;
const pieces = [...fixture.pieces];
for (let i = pieces.length; i < 32000; i++) {
    pieces.push({ piece: `<unused${i}>`, score: 0, type: PieceType.UNUSED });
}
const tokDir = join(dir, "tok");
saveTokenizer(tokDir, { ...fixture, pieces, trainer: { ...fixture.trainer, vocabSize: pieces.length } });
const WORDS = ["patient", "fever", "cough", "chest", "pain", "history", "blood", "pressure", "acute", "chronic", "renal", "cardiac", "the", "with", "of", "and"];
const PROMPTS = Array.from({ length: 16 }, (_, i) => Array.from({ length: 12 }, (_, j) => WORDS[(i * 7 + j * 5 + i * j) % WORDS.length]).join(" "));

interface ClientResult { tokens: number; ttft: number; gaps: number[] }

/** One streaming client: the request's time to first text, the gaps between text chunks, and its usage count. */
function streamOne(url: string, prompt: string, maxTokens: number): Promise<ClientResult> {
    return new Promise((resolve, reject) => {
        const t0 = performance.now();
        let last = -1;
        let ttft = -1;
        const gaps: number[] = [];
        let tokens = 0;
        let buf = "";
        const req = request(`${url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
                const now = performance.now();
                buf += chunk;
                let at: number;
                while ((at = buf.indexOf("\n\n")) >= 0) {
                    const event = buf.slice(0, at);
                    buf = buf.slice(at + 2);
                    if (!event.startsWith("data: {")) {
                        continue;
                    }
                    const j = JSON.parse(event.slice(6)) as { choices: { text: string }[]; usage?: { completion_tokens: number } };
                    if (j.usage !== undefined) {
                        tokens = j.usage.completion_tokens;
                    }
                    if ((j.choices[0]?.text ?? "") !== "") {
                        if (ttft < 0) {
                            ttft = now - t0;
                        } else {
                            gaps.push(now - last);
                        }
                        last = now;
                    }
                }
            });
            res.on("end", () => resolve({ tokens, ttft, gaps }));
        });
        req.on("error", reject);
        req.end(JSON.stringify({ model: "m", prompt, max_tokens: maxTokens, temperature: 0, stream: true, stream_options: { include_usage: true } }));
    });
}

/** CPU seconds (user + system) a process has used so far, or NaN where /proc is not there. */
function processCpuSeconds(pid: number): number {
    const stat = `/proc/${pid}/stat`;
    if (!existsSync(stat)) {
        return NaN;
    }
    const fields = readFileSync(stat, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100 on Linux)
}

function ownCpuSeconds(): number {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
}

async function startServer(model: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
    const child = spawn(process.execPath, [...(profDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", profDir]), bin, "serve", "--model", `m=${model}`, "--port", "0", "--threads", String(THREADS), "--max-batch", "16",
        "--max-context", "512", "--quiet"], { stdio: ["ignore", "pipe", "inherit"] });
    const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (c: Buffer) => {
            out += c.toString();
            const m = /listening on (\S+)/.exec(out);
            if (m !== null) {
                resolve(m[1]!);
            }
        });
        child.on("exit", (code) => reject(new Error(`mellama serve exited with ${code}`)));
    });
    return { url, pid: child.pid!, stop: () => new Promise((resolve) => { child.once("exit", () => resolve()); child.kill("SIGTERM"); }) };
}

/** One concurrency level's measured rounds; steps and rows are [served, in-process] pairs. */
interface LevelFigures {
    served: number[];
    local: number[];
    ttft: number[];
    itl: number[];
    servedCpu: number[];
    /** The server process's share of servedCpu (the rest is the clients in this process). */
    serverOnlyCpu: number[];
    localCpu: number[];
    steps: [number, number][];
    rows: [number, number][];
    differ: number;
}

/** The server's decode steps and rows so far, from its Prometheus text. */
function servedStepCounts(url: string): Promise<{ steps: number; rows: number }> {
    return new Promise((resolve, reject) => {
        request(`${url}/metrics`, (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => { text += c; });
            res.on("end", () => {
                const read = (name: string): number => Number(new RegExp(`^${name}\\{model="m"\\} (\\d+)$`, "m").exec(text)?.[1] ?? NaN);
                resolve({ steps: read("mellama_decode_steps_total"), rows: read("mellama_decode_rows_total") });
            });
        }).on("error", reject).end();
    });
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(" ");

const pct = (values: number[], p: number): number => {
    const s = [...values].sort((a, b) => a - b);
    return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const rows: BenchRow[] = [];
for (const [preset, type, maxTokens] of ([["tiny15m", "f32", quick ? 48 : 96], ["small110m", "f16", quick ? 16 : 32]] as const).filter(([p]) => only === undefined || p === only)) {
    const config = { ...resolvePreset(preset), maxSeqLen: 512 };
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, maxT: 1, training: false });
    model.initWeights(1);
    const hf = join(dir, preset);
    writeHfCheckpoint({ dir: hf, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
        data: () => model.tensor(s.name) })), bosTokenId: 1, eosTokenId: 2 });
    copyFileSync(join(tokDir, "tokenizer.model"), join(hf, "tokenizer.model"));
    const gguf = join(dir, `${preset}-${type}.gguf`);
    exportModel({ from: hf, to: "gguf", out: gguf, type });
    rmSync(hf, { recursive: true, force: true });
    const session = await loadForInference(gguf, { threads: THREADS, maxContext: 512, maxBatch: 16 });
    const server = await startServer(gguf);
    const m = new Map<number, LevelFigures>(
        LEVELS.map((n) => [n, { served: [], local: [], ttft: [], itl: [], servedCpu: [], serverOnlyCpu: [], localCpu: [], steps: [], rows: [], differ: 0 }]));
    const loadBefore = load();
    for (let r = 0; r < reps + 1; r++) {
        const keep = r > 0; // the first round warms both sides
        for (const n of LEVELS) {
            const e = m.get(n)!;
            const prompts = PROMPTS.slice(0, n);
            const served = async (): Promise<{ clients: ClientResult[]; s: number; cpu: number; serverCpu: number; steps: number; rows: number }> => {
                const c0 = await servedStepCounts(server.url);
                const server0 = processCpuSeconds(server.pid);
                const cpu0 = server0 + ownCpuSeconds();
                const t0 = performance.now();
                const clients = await Promise.all(prompts.map((p) => streamOne(server.url, p, maxTokens)));
                const s = (performance.now() - t0) / 1000;
                const server1 = processCpuSeconds(server.pid);
                const cpu = server1 + ownCpuSeconds() - cpu0;
                const serverCpu = server1 - server0;
                const c1 = await servedStepCounts(server.url);
                return { clients, s, cpu, serverCpu, steps: c1.steps - c0.steps, rows: c1.rows - c0.rows };
            };
            const local = async (): Promise<{ tokens: number; s: number; cpu: number; steps: number; rows: number }> => {
                const c0 = session.batcher.stepCounts;
                const cpu0 = ownCpuSeconds();
                const t0 = performance.now();
                const outs = await session.generateBatch(prompts, { maxTokens });
                const s = (performance.now() - t0) / 1000;
                const cpu = ownCpuSeconds() - cpu0;
                const c1 = session.batcher.stepCounts;
                return { tokens: outs.reduce((a, o) => a + o.tokens.length, 0), s, cpu, steps: c1.steps - c0.steps, rows: c1.rows - c0.rows };
            };
            let sv: Awaited<ReturnType<typeof served>>;
            let lc: Awaited<ReturnType<typeof local>>;
            if (r % 2 === 0) {
                sv = await served();
                lc = await local();
            } else {
                lc = await local();
                sv = await served();
            }
            const servedTokens = sv.clients.reduce((a, c) => a + c.tokens, 0);
            if (servedTokens !== lc.tokens) {
                throw new Error(`${preset} x${n}: the server generated ${servedTokens} tokens, in-process ${lc.tokens}`);
            }
            if (keep) {
                e.served.push(servedTokens / sv.s);
                e.local.push(lc.tokens / lc.s);
                e.ttft.push(...sv.clients.map((c) => c.ttft));
                e.itl.push(...sv.clients.flatMap((c) => c.gaps));
                e.servedCpu.push((sv.cpu / servedTokens) * 1000);
                e.serverOnlyCpu.push((sv.serverCpu / servedTokens) * 1000);
                e.localCpu.push((lc.cpu / lc.tokens) * 1000);
                e.steps.push([sv.steps, lc.steps]);
                e.rows.push([sv.rows, lc.rows]);
                e.differ += sv.steps !== lc.steps || sv.rows !== lc.rows ? 1 : 0;
            }
        }
    }
    const loadAfter = load();
    await server.stop();
    session.dispose();
    const W = type.toUpperCase();
    for (const n of LEVELS) {
        const e = m.get(n)!;
        const cfg = { preset, weights: W, threads: THREADS, clients: n, maxTokens, promptWords: 12, reps, transport: "HTTP/1.1 SSE on loopback, server in a child process",
            loadAverage: { before: loadBefore, after: loadAfter },
            // [served, in-process] decode steps and rows of each measured round; roundsWithOtherBatches counts rounds where they differ.
            decodeSteps: e.steps, decodeRows: e.rows, roundsWithOtherBatches: e.differ,
            // The ratio of each round's two halves (adjacent in time, so slower drifts of the load cancel), median.
            medianRoundRatio: median(e.served.map((x, i) => x / e.local[i]!)) };
        const v = median(e.served);
        const a = median(e.local);
        rows.push({ name: `${preset} ${W} serve, ${n} streaming client${n === 1 ? "" : "s"}`, unit: "tok/s", value: v,
            anchor: `in-process generateBatch, batch ${n}`, anchorValue: a, ratio: v / a, config: cfg });
        const sc = median(e.servedCpu);
        const lc = median(e.localCpu);
        rows.push({ name: `${preset} ${W} serve CPU per token (server + clients), ${n} client${n === 1 ? "" : "s"}`, unit: "ms", value: Number.isNaN(sc) ? null : sc,
            anchor: `in-process generateBatch CPU per token, batch ${n}`, anchorValue: lc, ratio: Number.isNaN(sc) ? null : lc / sc,
            config: Number.isNaN(sc) ? { ...cfg, why: "no /proc to read the server's CPU time" } : { ...cfg, serverProcessMsPerToken: median(e.serverOnlyCpu) } });
        for (const [label, values] of [["time to first token", e.ttft], ["inter-token latency", e.itl]] as const) {
            for (const p of [50, 99]) {
                rows.push({ name: `${preset} ${W} ${label} p${p}, ${n} client${n === 1 ? "" : "s"}`, unit: "ms", value: pct(values, p), anchor: null, anchorValue: null, ratio: null,
                    config: { ...cfg, samples: values.length } });
            }
        }
    }
}
writeBenchResults(quick ? "serve-quick" : only === undefined ? "serve" : `serve-${only}`, rows);

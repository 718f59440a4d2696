/**
 * bench:train — training throughput (tokens/s of forward + backward + clipping + AdamW, fp32) and peak RSS of
 * mellama's LlamaModel, anchored on the same model in plain PyTorch 1.13 + OpenBLAS
 * (reference/py/bench_train_torch.py). Each run is a child process (so peak RSS is per run); mellama and the
 * anchor ALTERNATE in one invocation and the figures are medians (of the measured steps of a run, then of runs).
 * Configs (PERFORMANCE.md): tiny15m batch 8 × 256 and small110m batch 4 × 1024, threads = MELLAMA_BENCH_THREADS
 * (default 2). Kernels: native when the addon loads, else reference (said on stderr).
 * The anchor needs /usr/bin/python3 with torch; without it rows carry no anchor.
 * Usage: npm run bench:train [-- --quick]   (--quick: tiny15m only, one run each, fewer steps; writes train-quick.json)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./lib/benchResults.js";
import { median, writeBenchResults } from "./lib/benchResults.js";

interface RunSpec {
    preset: "tiny15m" | "small110m";
    B: number;
    T: number;
    warmup: number;
    steps: number;
    threads: number;
}

interface RunResult {
    stepSeconds: number[];
    maxRssKiB: number;
    kernels?: string;
}

const PYTHON = "/usr/bin/python3";
const OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread";
const self = fileURLToPath(import.meta.url);

async function child(spec: RunSpec): Promise<void> {
    const { getKernelSet } = await import("../src/kernels/index.js");
    const { resolvePreset } = await import("../src/model/LlamaConfig.js");
    const { LlamaModel } = await import("../src/model/LlamaModel.js");
    const { AdamW } = await import("../src/optim/AdamW.js");
    const { trainableTensors } = await import("../src/optim/trainableTensors.js");
    const { trainStep } = await import("../src/train/trainStep.js");
    const kernels = getKernelSet({ kind: "auto", threads: spec.threads });
    const config = resolvePreset(spec.preset);
    const model = new LlamaModel({ config, kernels, maxBatch: spec.B, maxT: spec.T });
    model.initWeights(0);
    const optimizer = new AdamW({ kernels, tensors: trainableTensors(model), beta2: 0.95, weightDecay: 0.1 });
    const tokens = new Int32Array(spec.B * spec.T);
    const targets = new Int32Array(spec.B * spec.T);
    let seed = 1;
    for (let i = 0; i < tokens.length; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        tokens[i] = seed % config.vocabSize;
        targets[i] = (seed >>> 7) % config.vocabSize;
    }
    const times: number[] = [];
    for (let step = 0; step < spec.warmup + spec.steps; step++) {
        const t0 = performance.now();
        trainStep({ model, optimizer, microBatches: [{ tokens, targets }], B: spec.B, T: spec.T, step, lr: 1e-4, maxGradNorm: 1 });
        if (step >= spec.warmup) {
            times.push((performance.now() - t0) / 1000);
        }
    }
    const result: RunResult = { stepSeconds: times, maxRssKiB: process.resourceUsage().maxRSS, kernels: kernels.name };
    process.stdout.write(`${JSON.stringify(result)}\n`);
}

function parseResult(what: string, r: ReturnType<typeof spawnSync>): RunResult {
    const lines = String(r.stdout).trim().split("\n");
    const last = lines[lines.length - 1] ?? "";
    if (r.status !== 0 || !last.startsWith("{")) {
        throw new Error(`${what} failed (exit ${r.status}): ${String(r.stderr).slice(-2000)}`);
    }
    return JSON.parse(last) as RunResult;
}

function runMellama(spec: RunSpec): RunResult {
    const r = spawnSync(process.execPath, ["--import", "tsx", self, "--child", JSON.stringify(spec)], { encoding: "utf8", maxBuffer: 1 << 24 });
    return parseResult("mellama run", r);
}

function runTorch(spec: RunSpec): RunResult {
    const c = { tiny15m: [288, 6, 6, 6, 768], small110m: [768, 12, 12, 12, 2048] }[spec.preset];
    const config = JSON.stringify({ dim: c[0], nLayers: c[1], nHeads: c[2], nKvHeads: c[3], hiddenDim: c[4], vocabSize: 32000 });
    const script = fileURLToPath(new URL("../reference/py/bench_train_torch.py", import.meta.url));
    const r = spawnSync(PYTHON, [script, config, String(spec.B), String(spec.T), String(spec.warmup), String(spec.steps), String(spec.threads)],
        { encoding: "utf8", env: { ...process.env, LD_LIBRARY_PATH: OPENBLAS }, maxBuffer: 1 << 24 });
    return parseResult("PyTorch anchor", r);
}

function torchAvailable(): boolean {
    if (!existsSync(PYTHON)) {
        return false;
    }
    return spawnSync(PYTHON, ["-c", "import torch"], { env: { ...process.env, LD_LIBRARY_PATH: OPENBLAS } }).status === 0;
}

function main(): void {
    const quick = process.argv.includes("--quick");
    const threads = Number(process.env.MELLAMA_BENCH_THREADS ?? 2);
    const haveTorch = torchAvailable();
    if (!haveTorch) {
        process.stderr.write("bench:train: /usr/bin/python3 with torch not found; reporting mellama without the PyTorch anchor\n");
    }
    const anchorName = `PyTorch 1.13 fp32 + OpenBLAS, ${threads} threads`;
    const plans: { spec: RunSpec; runs: number }[] = [
        { spec: { preset: "tiny15m", B: 8, T: 256, warmup: 2, steps: quick ? 2 : 3, threads }, runs: quick ? 1 : 3 },
    ];
    if (!quick) {
        plans.push({ spec: { preset: "small110m", B: 4, T: 1024, warmup: 1, steps: 2, threads }, runs: 2 });
    }
    const rows: BenchRow[] = [];
    for (const { spec, runs } of plans) {
        const mine: RunResult[] = [];
        const theirs: RunResult[] = [];
        for (let i = 0; i < runs; i++) {
            mine.push(runMellama(spec));
            process.stderr.write(`  ${spec.preset} mellama run ${i + 1}/${runs}: ${mine[i]!.stepSeconds.map((s) => s.toFixed(2)).join(", ")} s/step\n`);
            if (haveTorch) {
                theirs.push(runTorch(spec));
                process.stderr.write(`  ${spec.preset} PyTorch run ${i + 1}/${runs}: ${theirs[i]!.stepSeconds.map((s) => s.toFixed(2)).join(", ")} s/step\n`);
            }
        }
        const tokens = spec.B * spec.T;
        const tps = (rs: RunResult[]): number => median(rs.map((r) => tokens / median(r.stepSeconds)));
        const rss = (rs: RunResult[]): number => median(rs.map((r) => r.maxRssKiB / 1024));
        const config = { ...spec, runs, kernels: mine[0]?.kernels };
        const a = haveTorch ? tps(theirs) : null;
        const ar = haveTorch ? rss(theirs) : null;
        rows.push({ name: `train ${spec.preset} ${spec.B}x${spec.T}`, unit: "tok/s", value: tps(mine), anchor: haveTorch ? anchorName : null,
            anchorValue: a, ratio: a === null ? null : tps(mine) / a, config });
        rows.push({ name: `train ${spec.preset} ${spec.B}x${spec.T} peak RSS`, unit: "MiB", value: rss(mine), anchor: haveTorch ? anchorName : null,
            anchorValue: ar, ratio: ar === null ? null : ar / rss(mine), config });
    }
    // --quick keeps the full figures in train.json intact.
    writeBenchResults(quick ? "train-quick" : "train", rows);
}

const at = process.argv.indexOf("--child");
if (at >= 0) {
    await child(JSON.parse(process.argv[at + 1] ?? "{}") as RunSpec);
} else {
    main();
}

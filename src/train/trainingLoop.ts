/**
 * The training loop shared by `pretrain` and `sft`: optimizer steps over a deterministic micro-batch order,
 * periodic validation, atomic checkpoints every N steps (keep the last K), a jsonl log with a loss-curve plot,
 * a progress bar with tokens/s and ETA, and bit-for-bit resume.
 *
 * Determinism: the micro-batch of (step, k) is a pure function of the run's seed (batchAt), the weights and
 * AdamW moments are restored exactly from the checkpoint, and the kernels are deterministic for a fixed
 * thread count (KernelSet.ts), so a run killed at any moment and resumed from its last checkpoint ends with
 * the same bytes as an uninterrupted one.
 * Not here: what a batch is (pretrain.ts, sft.ts), file formats (checkpointFiles.ts).
 */
import type { LlamaModel } from "../model/LlamaModel.js";
import type { AdamW } from "../optim/AdamW.js";
import { createProgress } from "../util/progress.js";
import { basename } from "node:path";
import { RunLock } from "../util/runLock.js";
import { OutputExistsError } from "../util/writeOutput.js";
import { CheckpointManager } from "./CheckpointManager.js";
import { RunLog } from "./RunLog.js";
import { type MicroBatch, trainStep } from "./trainStep.js";

export interface TrainingLoopOptions {
    runDir: string;
    title: string;
    model: LlamaModel;
    optimizer: AdamW;
    totalSteps: number;
    gradAccum: number;
    B: number;
    T: number;
    /** The micro-batch k of optimizer step `step`; must depend only on (step, k). */
    batchAt: (step: number, k: number) => MicroBatch;
    lrAt: (step: number) => number;
    maxGradNorm: number | null;
    /** Gradients outside model.grads that count in the clipping norm (LoRA). */
    extraGrads?: readonly Float32Array[];
    /** Mean validation loss, or null when there is no validation data. */
    validate?: () => number | null;
    evalEvery: number;
    checkpointEvery: number;
    keepCheckpoints: number;
    logEvery: number;
    /** Writes a complete checkpoint of everything needed to resume into `dir` (TRAINING_STATE_FILE last). */
    saveCheckpoint: (dir: string, step: number) => void;
    /** Loads a checkpoint written by saveCheckpoint and returns the step it was taken after. */
    loadCheckpoint: (dir: string) => number;
    resume: boolean;
    /** Without resume: remove an earlier run's checkpoints and log instead of refusing the directory. */
    overwrite?: boolean;
    /** Tokens per optimizer step that carry loss, for the throughput figure (default B·T·K). */
    tokensPerStep?: number;
    /** Figures of the run written into every train log entry (sft: packingEfficiency). */
    logFields?: Readonly<Record<string, number | string>>;
}

export interface TrainingLoopResult {
    steps: number;
    resumedFrom: number | null;
    finalLoss: number;
    validationLoss: number | null;
    tokensPerSecond: number;
    checkpoint: string;
}

export function runTrainingLoop(options: TrainingLoopOptions): TrainingLoopResult {
    const { runDir, model, optimizer, totalSteps, gradAccum, B, T } = options;
    // One run per directory: a second one would prune the first one's checkpoints and interleave their logs.
    using _lock = RunLock.acquire(runDir, options.title);
    const checkpoints = new CheckpointManager({ runDir, keep: options.keepCheckpoints });
    const earlier = checkpoints.list();
    if (!options.resume && earlier.length > 0) {
        if (options.overwrite !== true) {
            throw new OutputExistsError(runDir, `holds checkpoints of an earlier run (latest ${basename(earlier[earlier.length - 1]!)}); `
                + "pass --resume to continue it, or --overwrite to start over (its checkpoints and log are removed)");
        }
        checkpoints.removeAll();
        RunLog.remove(runDir);
    }
    let start = 0;
    let resumedFrom: number | null = null;
    const latest = options.resume ? checkpoints.latest() : null;
    if (latest !== null) {
        start = options.loadCheckpoint(latest);
        resumedFrom = start;
    }
    const log = new RunLog(runDir, options.title, resumedFrom ?? null);
    const progress = createProgress({ label: options.title, total: totalSteps, unit: "steps" });
    progress.update(start);
    const tokensPerStep = options.tokensPerStep ?? B * T * gradAccum;
    const began = performance.now();
    let finalLoss = Number.NaN;
    let validationLoss: number | null = null;
    let lastCheckpoint = latest ?? "";
    const batches: MicroBatch[] = new Array<MicroBatch>(gradAccum);
    for (let step = start; step < totalSteps; step++) {
        for (let k = 0; k < gradAccum; k++) {
            batches[k] = options.batchAt(step, k);
        }
        const stepBegan = performance.now();
        const result = trainStep({ model, optimizer, microBatches: batches, B, T, step, lr: options.lrAt(step),
            maxGradNorm: options.maxGradNorm, extraGrads: options.extraGrads });
        finalLoss = result.loss;
        const done = step + 1;
        const seconds = (performance.now() - stepBegan) / 1000;
        if (done % options.logEvery === 0 || done === totalSteps) {
            log.append({ step: done, kind: "train", loss: result.loss, lr: result.lr, gradNorm: result.gradNorm,
                tokensPerSecond: Math.round(tokensPerStep / Math.max(seconds, 1e-9)), ...options.logFields });
        }
        if (options.validate !== undefined && (done % options.evalEvery === 0 || done === totalSteps)) {
            const v = options.validate();
            if (v !== null) {
                validationLoss = v;
                log.append({ step: done, kind: "validation", loss: v });
            }
        }
        if (done % options.checkpointEvery === 0 || done === totalSteps) {
            lastCheckpoint = checkpoints.save(done, (dir) => options.saveCheckpoint(dir, done));
            log.plot();
        }
        progress.update(done, { loss: result.loss.toFixed(4) });
    }
    progress.stop();
    log.plot();
    const elapsed = (performance.now() - began) / 1000;
    return {
        steps: totalSteps, resumedFrom, finalLoss, validationLoss,
        tokensPerSecond: ((totalSteps - start) * tokensPerStep) / Math.max(elapsed, 1e-9),
        checkpoint: lastCheckpoint,
    };
}

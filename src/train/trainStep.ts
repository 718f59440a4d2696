/**
 * One optimizer step over K micro-batches (gradient accumulation): zero the gradients, run forward + backward on
 * each micro-batch with its loss scaled by 1/K (so the accumulated gradient is that of the mean loss, as HF
 * Trainer does), clip the global gradient norm, and take one AdamW step at the scheduled learning rate.
 * A NaN or Inf loss or gradient norm throws NonFiniteTrainingError naming the step, BEFORE the weights change.
 * Not here: data loading, checkpoints, logging (the training loop in train/).
 * @example
 * const r = trainStep({ model, optimizer, microBatches: [{ tokens, targets }], B: 8, T: 256, step: 0, lr: sched(0), maxGradNorm: 1 });
 */
import { NonFiniteTrainingError } from "../errors/NonFiniteTrainingError.js";
import type { LlamaModel } from "../model/LlamaModel.js";
import type { AdamW } from "../optim/AdamW.js";
import { clipGradNorm } from "../optim/clipGradNorm.js";

export interface MicroBatch {
    /** (B, T) input ids. */
    tokens: Int32Array;
    /** (B, T) next-token targets; -100 is ignored. */
    targets: Int32Array;
    /** (B, T) positions within each packed example (LlamaModel ForwardOptions.positions); absent for unpacked rows. */
    positions?: Int32Array;
}

export interface TrainStepOptions {
    model: LlamaModel;
    optimizer: AdamW;
    /** K ≥ 1 micro-batches accumulated into this step. */
    microBatches: readonly MicroBatch[];
    B: number;
    T: number;
    /** 0-based optimizer step, for error messages (and the caller's schedule). */
    step: number;
    lr: number;
    /** Clip the global gradient norm to this; null for no clipping. Default 1.0 (HF Trainer). */
    maxGradNorm?: number | null;
    /** Gradients of tensors outside the model (LoRA adapters) to include in the norm. */
    extraGrads?: readonly Float32Array[];
}

export interface TrainStepResult {
    /** Mean over micro-batches of each micro-batch's mean loss. */
    loss: number;
    /** Global gradient norm before clipping. */
    gradNorm: number;
    lr: number;
}

export function trainStep({ model, optimizer, microBatches, B, T, step, lr, maxGradNorm = 1, extraGrads = [] }: TrainStepOptions): TrainStepResult {
    const K = microBatches.length;
    if (K === 0) {
        throw new RangeError("trainStep needs at least one micro-batch");
    }
    model.zeroGrad();
    let lossSum = 0;
    for (let i = 0; i < K; i++) {
        const mb = microBatches[i]!;
        const loss = model.forward(mb.tokens, mb.targets, B, T, { lossScale: 1 / K, positions: mb.positions });
        if (!Number.isFinite(loss)) {
            throw new NonFiniteTrainingError(step, "loss", loss, K > 1 ? i : undefined);
        }
        model.backward();
        lossSum += loss;
    }
    const grads: Float32Array[] = [...extraGrads];
    if (!model.frozenBase && model.grads !== null) {
        grads.push(...model.grads);
    }
    const clip = clipGradNorm({ kernels: model.kernels, grads, maxNorm: maxGradNorm });
    if (!Number.isFinite(clip.norm)) {
        throw new NonFiniteTrainingError(step, "gradient norm", clip.norm);
    }
    optimizer.step({ lr, gradScale: clip.scale });
    return { loss: lossSum / K, gradNorm: clip.norm, lr };
}

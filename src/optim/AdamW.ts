/**
 * AdamW with decoupled weight decay, as torch.optim.AdamW computes it, over a list of named tensors. The first
 * and second moments are one Float32Array pair per trainable tensor (no arena: a 7B model's moments exceed the
 * largest typed array Node allows), so frozen parameters (LoRA's base) cost no optimizer memory: pass only the
 * tensors you train.
 * Weight decay applies to `linear` tensors by default, never to norms and embeddings (the usual LLaMA / HF
 * Trainer practice); `decay` overrides the choice per tensor name.
 * Not here: the learning-rate schedule (cosineSchedule.ts), clipping (clipGradNorm.ts).
 * @example
 * const opt = new AdamW({ kernels, tensors: trainableTensors(model), weightDecay: 1e-5, beta2: 0.95 });
 * opt.step({ lr: 8e-6, gradScale: clip.scale });
 */
import { ConfigError } from "../errors/MellamaError.js";
import type { KernelSet } from "../kernels/KernelSet.js";

export interface TrainableTensor {
    name: string;
    param: Float32Array;
    grad: Float32Array;
    /** "embedding" and "norm" get no weight decay by default. */
    kind: "embedding" | "norm" | "linear";
}

export interface AdamWOptions {
    kernels: KernelSet;
    tensors: readonly TrainableTensor[];
    /** Defaults are torch.optim.AdamW's; Me-LLaMA used beta2 0.95 and weight decay 1e-5. */
    beta1?: number;
    beta2?: number;
    eps?: number;
    weightDecay?: number;
    /** Which tensors decay; default: kind === "linear". */
    decay?: (tensor: TrainableTensor) => boolean;
}

/** One tensor's optimizer state: torch's exp_avg (m) and exp_avg_sq (v). */
export interface TensorMoments {
    name: string;
    m: Float32Array;
    v: Float32Array;
}

interface Slot {
    tensor: TrainableTensor;
    m: Float32Array;
    v: Float32Array;
    weightDecay: number;
}

export class AdamW {
    public readonly beta1: number;
    public readonly beta2: number;
    public readonly eps: number;
    public readonly weightDecay: number;
    /** Optimizer steps taken (the bias-correction step counts from 1). Restore it when resuming. */
    public stepCount = 0;
    private readonly kernels: KernelSet;
    private readonly slots: Slot[];

    public constructor({ kernels, tensors, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01,
        decay = (t): boolean => t.kind === "linear" }: AdamWOptions) {
        for (const [field, value, lo, hi] of [["beta1", beta1, 0, 1], ["beta2", beta2, 0, 1], ["eps", eps, 0, Infinity],
            ["weightDecay", weightDecay, 0, Infinity]] as const) {
            if (!(value >= lo && value < hi)) {
                throw new ConfigError(`optimizer.${field}`, `must be in [${lo}, ${hi}), got ${value}`);
            }
        }
        this.kernels = kernels;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (const t of tensors) {
            if (t.param.length !== t.grad.length) {
                throw new ConfigError(`optimizer.tensors.${t.name}`, `param has ${t.param.length} elements, grad ${t.grad.length}`);
            }
        }
        this.slots = tensors.map((t) => ({ tensor: t, m: new Float32Array(t.param.length), v: new Float32Array(t.param.length),
            weightDecay: decay(t) ? weightDecay : 0 }));
    }

    /** The tensors this optimizer updates, in the order given. */
    public get tensors(): TrainableTensor[] {
        return this.slots.map((s) => s.tensor);
    }

    /** Each tensor's moments, in the order given (live views: checkpoints read and restore them in place). */
    public moments(): TensorMoments[] {
        return this.slots.map((s) => ({ name: s.tensor.name, m: s.m, v: s.v }));
    }

    /** One update of every tensor with learning rate `lr`; gradients are multiplied by `gradScale` (clipping). */
    public step({ lr, gradScale = 1 }: { lr: number; gradScale?: number }): void {
        if (!(lr >= 0) || !Number.isFinite(lr)) {
            throw new ConfigError("optimizer.lr", `must be a finite non-negative number, got ${lr}`);
        }
        this.stepCount++;
        for (const s of this.slots) {
            this.kernels.adamwUpdate(s.tensor.param, s.tensor.grad, s.m, s.v, s.tensor.param.length, lr,
                this.beta1, this.beta2, this.eps, s.weightDecay, this.stepCount, gradScale);
        }
    }
}

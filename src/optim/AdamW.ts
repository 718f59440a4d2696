/**
 * AdamW with decoupled weight decay, as torch.optim.AdamW computes it, over a list of named tensors. The first
 * and second moments each live in ONE Float32Array arena sized to the trainable tensors only, so frozen
 * parameters (LoRA's base) cost no optimizer memory: pass only the tensors you train.
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
    /** (Σ sizes): first moments, one arena, tensor by tensor in the order given. */
    public readonly m: Float32Array;
    /** (Σ sizes): second moments. */
    public readonly v: Float32Array;
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
        let total = 0;
        for (const t of tensors) {
            if (t.param.length !== t.grad.length) {
                throw new ConfigError(`optimizer.tensors.${t.name}`, `param has ${t.param.length} elements, grad ${t.grad.length}`);
            }
            total += t.param.length;
        }
        this.m = new Float32Array(total);
        this.v = new Float32Array(total);
        this.slots = [];
        let off = 0;
        for (const t of tensors) {
            const n = t.param.length;
            this.slots.push({ tensor: t, m: this.m.subarray(off, off + n), v: this.v.subarray(off, off + n),
                weightDecay: decay(t) ? weightDecay : 0 });
            off += n;
        }
    }

    /** The tensors this optimizer updates, in arena order (for checkpoints). */
    public get tensors(): TrainableTensor[] {
        return this.slots.map((s) => s.tensor);
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

/**
 * Cosine learning-rate schedule with linear warmup, as Hugging Face's get_cosine_schedule_with_warmup (the
 * Trainer Me-LLaMA used), extended with a floor `minLr`:
 *   warmup = ceil(totalSteps · warmupRatio)   (HF's TrainingArguments.get_warmup_steps)
 *   lr(s) = maxLr · s / max(1, warmup)                                   for s < warmup
 *   lr(s) = minLr + (maxLr - minLr) · ½(1 + cos(π · (s - warmup) / max(1, totalSteps - warmup)))   otherwise
 * where s counts completed optimizer steps (0 for the first update; as in HF, the first update of a warmed-up
 * run uses lr 0).
 */
import { ConfigError } from "../errors/MellamaError.js";

export interface CosineScheduleOptions {
    maxLr: number;
    totalSteps: number;
    /** Fraction of totalSteps spent warming up; default 0.05 (Me-LLaMA). */
    warmupRatio?: number;
    /** Floor of the cosine; default 0 (HF). */
    minLr?: number;
}

export function cosineSchedule({ maxLr, totalSteps, warmupRatio = 0.05, minLr = 0 }: CosineScheduleOptions): (step: number) => number {
    if (!(maxLr > 0) || !Number.isFinite(maxLr)) {
        throw new ConfigError("schedule.maxLr", `must be a positive number, got ${maxLr}`);
    }
    if (!Number.isInteger(totalSteps) || totalSteps < 1) {
        throw new ConfigError("schedule.totalSteps", `must be a positive integer, got ${totalSteps}`);
    }
    if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
        throw new ConfigError("schedule.warmupRatio", `must be in [0, 1], got ${warmupRatio}`);
    }
    if (!(minLr >= 0 && minLr <= maxLr)) {
        throw new ConfigError("schedule.minLr", `must be in [0, maxLr], got ${minLr}`);
    }
    const warmup = Math.ceil(totalSteps * warmupRatio);
    return (step: number): number => {
        if (step < warmup) {
            return (maxLr * step) / Math.max(1, warmup);
        }
        const progress = Math.min(1, (step - warmup) / Math.max(1, totalSteps - warmup));
        return minLr + (maxLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    };
}

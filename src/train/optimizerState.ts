/**
 * optimizer.safetensors: AdamW's moments as F32, one pair of tensors per trainable tensor
 * (`<name>.exp_avg`, `<name>.exp_avg_sq`, torch's names), so a resumed run continues bit for bit and no tensor
 * exceeds what a typed array can hold. Reading restores each tensor in place, one at a time; a missing tensor or
 * a different size refuses the resume naming the tensor. Files of the earlier layout (two arenas `m` and `v`,
 * tensor by tensor in optimizer order) are still read.
 */
import { join } from "node:path";
import { SafetensorsFile } from "../formats/safetensors/SafetensorsFile.js";
import { writeSafetensors } from "../formats/safetensors/writeSafetensors.js";
import type { AdamW, TensorMoments } from "../optim/AdamW.js";
import { ResumeMismatchError } from "./ResumeMismatchError.js";

export const OPTIMIZER_STATE_FILE = "optimizer.safetensors";

const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function writeOptimizerState(dir: string, optimizer: AdamW): void {
    writeSafetensors(join(dir, OPTIMIZER_STATE_FILE), {
        metadata: { format: "mellama-adamw", step: String(optimizer.stepCount) },
        tensors: optimizer.moments().flatMap((t) => [
            { name: `${t.name}.exp_avg`, dtype: "F32" as const, shape: [t.m.length], data: bytesOf(t.m) },
            { name: `${t.name}.exp_avg_sq`, dtype: "F32" as const, shape: [t.v.length], data: bytesOf(t.v) },
        ]),
    });
}

/** Restores every tensor's moments from dir; the step count is the caller's (training_state.json). */
export function readOptimizerState(dir: string, optimizer: AdamW): void {
    using file = SafetensorsFile.open(join(dir, OPTIMIZER_STATE_FILE));
    const moments = optimizer.moments();
    if (file.has("m") && file.has("v")) {
        readArenas(file, moments);
        return;
    }
    for (const t of moments) {
        for (const [suffix, into] of [["exp_avg", t.m], ["exp_avg_sq", t.v]] as const) {
            const name = `${t.name}.${suffix}`;
            const info = file.has(name) ? file.info(name) : undefined;
            const saved = info === undefined ? "missing" : `${info.dtype}[${info.shape.join(",")}]`;
            if (saved !== `F32[${into.length}]`) {
                throw new ResumeMismatchError(`optimizer tensor ${name}`, saved, `F32[${into.length}]`);
            }
            file.readBytes(name, bytesOf(into));
        }
    }
}

function readArenas(file: SafetensorsFile, moments: readonly TensorMoments[]): void {
    const total = moments.reduce((a, t) => a + t.m.length, 0);
    for (const [name, pick] of [["m", (t: TensorMoments) => t.m], ["v", (t: TensorMoments) => t.v]] as const) {
        const arena = file.readF32(name);
        if (arena.length !== total) {
            throw new ResumeMismatchError(`optimizer moments ${name}`, arena.length, total);
        }
        let off = 0;
        for (const t of moments) {
            const into = pick(t);
            into.set(arena.subarray(off, off + into.length));
            off += into.length;
        }
    }
}

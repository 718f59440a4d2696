/**
 * Reads the oracle fixtures written by reference/py/*_state.py: a JSON header mapping tensor names to
 * {shape, offset} (float32 elements) into a little-endian float32 .bin beside it.
 */
import { readFileSync } from "node:fs";

export interface StateFixture<H> {
    header: H;
    tensor(name: string): Float32Array;
    shape(name: string): number[];
    names(): string[];
}

export function loadStateFixture<H extends { tensors: Record<string, { shape: number[]; offset: number }> }>(jsonPath: string): StateFixture<H> {
    const header = JSON.parse(readFileSync(jsonPath, "utf8")) as H;
    const bin = readFileSync(jsonPath.replace(/\.json$/, ".bin"));
    const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
    return {
        header,
        tensor(name) {
            const entry = header.tensors[name];
            if (entry === undefined) {
                throw new Error(`fixture has no tensor ${name}`);
            }
            const size = entry.shape.reduce((a, b) => a * b, 1);
            return all.slice(entry.offset, entry.offset + size);
        },
        shape: (name) => header.tensors[name]!.shape,
        names: () => Object.keys(header.tensors),
    };
}

/** max|a - e| / max(1e-6, max|e|): the relative max-abs error the oracle tests bound. */
export function relMaxAbsError(actual: Float32Array, expected: Float32Array): number {
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < expected.length; i++) {
        diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
        scale = Math.max(scale, Math.abs(expected[i]!));
    }
    return diff / Math.max(1e-6, scale);
}

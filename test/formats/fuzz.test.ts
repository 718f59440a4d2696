/**
 * Fuzz: valid safetensors and GGUF files mutated thousands of ways (bit flips, truncations, byte insertions and
 * deletions, length fields overwritten with huge or random values, digits in the JSON header changed), seeded so
 * every run is the same. Parsing each mutant and reading every tensor must either succeed or throw a FormatError
 * (naming the file): never another exception, a hang or a huge allocation (in-memory sources, so a parser that
 * trusted a size would fail on a read bound, and the whole run is a few seconds).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FormatError } from "../../src/errors/MellamaError.js";
import { GgufFile } from "../../src/formats/gguf/GgufFile.js";
import { GgmlType, GgufValueType } from "../../src/formats/gguf/ggufTypes.js";
import { writeGguf } from "../../src/formats/gguf/writeGguf.js";
import { QUANT_TYPES, quantizeGgml } from "../../src/formats/quant/ggmlQuant.js";
import { bufferSource } from "../../src/formats/safetensors/ByteSource.js";
import { f32ToBytes } from "../../src/formats/safetensors/decodeTensor.js";
import { SafetensorsFile } from "../../src/formats/safetensors/SafetensorsFile.js";
import { writeSafetensors } from "../../src/formats/safetensors/writeSafetensors.js";
import { sampleGguf } from "./sampleGguf.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-fuzz-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** mulberry32: a small seeded PRNG. */
function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function mutate(base: Uint8Array, rand: () => number, isJsonHeader: boolean): Uint8Array {
    const int = (n: number): number => Math.floor(rand() * n);
    let b = new Uint8Array(base);
    const rounds = 1 + int(3);
    for (let r = 0; r < rounds; r++) {
        const kind = int(isJsonHeader ? 7 : 6);
        const at = int(b.length);
        switch (kind) {
            case 0: // bit flips
                for (let i = 0, n = 1 + int(8); i < n; i++) {
                    const p = int(b.length);
                    b[p]! ^= 1 << int(8);
                }
                break;
            case 1: // truncation
                b = b.slice(0, int(b.length));
                break;
            case 2: { // insertion
                const extra = Uint8Array.from({ length: 1 + int(16) }, () => int(256));
                b = Uint8Array.from([...b.subarray(0, at), ...extra, ...b.subarray(at)]);
                break;
            }
            case 3: // deletion
                b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + int(16))]);
                break;
            case 4: // a u64 length field (anywhere) overwritten with a huge, near-limit or random value
                if (b.length >= 8) {
                    const p = int(b.length - 7);
                    const huge = [2n ** 64n - 1n, 2n ** 63n, 2n ** 53n, BigInt(b.length), BigInt(int(2 ** 31)), 2n ** 32n - 1n][int(6)]!;
                    new DataView(b.buffer).setBigUint64(p, huge, true);
                }
                break;
            case 5: // a u32 (types, dims counts, alignment) overwritten
                if (b.length >= 4) {
                    new DataView(b.buffer).setUint32(int(b.length - 3), [0, 1, 5, 13, 31, 64, 0xffffffff, int(2 ** 32)][int(8)]!, true);
                }
                break;
            case 6: { // a digit of the JSON header changed (shapes, offsets)
                const digits = [...b.subarray(0, Math.min(b.length, 600)).keys()].filter((i) => b[i]! >= 0x30 && b[i]! <= 0x39);
                if (digits.length > 0) {
                    b[digits[int(digits.length)]!] = 0x30 + int(10);
                }
                break;
            }
        }
    }
    return b;
}

function expectTypedOnly(label: string, bytes: Uint8Array, open: (b: Uint8Array) => { names: string[]; read: (n: string) => unknown }): "ok" | "error" {
    try {
        const f = open(bytes);
        for (const name of f.names) {
            f.read(name);
        }
        return "ok";
    } catch (error) {
        if (!(error instanceof FormatError) || !error.message.startsWith(`${label}: `)) {
            throw new Error(`${label}: untyped failure ${String(error)} on a ${bytes.length}-byte mutant`, { cause: error });
        }
        return "error";
    }
}

test("fuzz: 4000 mutated safetensors files give only FormatErrors or success", () => {
    const path = join(dir, "base.safetensors");
    const w = Float32Array.from({ length: 24 }, (_, i) => i - 7.5);
    writeSafetensors(path, {
        metadata: { format: "pt" },
        tensors: [
            { name: "a", dtype: "F32", shape: [4, 6], data: f32ToBytes(w, "F32") },
            { name: "b", dtype: "BF16", shape: [24], data: f32ToBytes(w, "BF16") },
            { name: "c", dtype: "F16", shape: [2, 12], data: f32ToBytes(w, "F16") },
            { name: "d", dtype: "I64", shape: [2], data: new Uint8Array(16) },
        ],
    });
    const base = new Uint8Array(readFileSync(path));
    const rand = rng(20240917);
    const seen = { ok: 0, error: 0 };
    for (let i = 0; i < 4000; i++) {
        seen[expectTypedOnly("st.safetensors", mutate(base, rand, true), (b) => {
            const f = new SafetensorsFile(bufferSource(b, "st.safetensors"));
            return { names: f.tensors.map((t) => t.name), read: (n) => (f.info(n).dtype === "I64" ? f.readBytes(n) : f.readF32(n)) };
        })]++;
    }
    assert.ok(seen.error > 2000, `most mutants are rejected (${JSON.stringify(seen)})`);
    assert.ok(seen.ok > 0, "some mutants (e.g. flips inside tensor data) still parse");
});

test("fuzz: 4000 mutated GGUF files give only FormatErrors or success", () => {
    const path = join(dir, "base.gguf");
    sampleGguf(path);
    const base = new Uint8Array(readFileSync(path));
    const rand = rng(7);
    const seen = { ok: 0, error: 0 };
    for (let i = 0; i < 4000; i++) {
        seen[expectTypedOnly("m.gguf", mutate(base, rand, false), (b) => {
            const f = new GgufFile(bufferSource(b, "m.gguf"));
            return { names: f.tensors.map((t) => t.name), read: (n) => f.readF32(n) };
        })]++;
    }
    assert.ok(seen.error > 2000, `most mutants are rejected (${JSON.stringify(seen)})`);
    assert.ok(seen.ok > 0, "some mutants still parse");
});

test("fuzz: 3000 mutated GGUF files holding every quantized type give only FormatErrors or success", () => {
    const path = join(dir, "quant.gguf");
    const w = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i * 0.37) * 2);
    writeGguf(path, {
        metadata: [["general.architecture", { type: GgufValueType.STRING, value: "llama" }]],
        tensors: QUANT_TYPES.map((type) => ({ name: `${GgmlType[type]}.weight`, type, dims: [256, 2], data: () => quantizeGgml(type, w) })),
    });
    const base = new Uint8Array(readFileSync(path));
    const rand = rng(13);
    const seen = { ok: 0, error: 0 };
    for (let i = 0; i < 3000; i++) {
        seen[expectTypedOnly("q.gguf", mutate(base, rand, false), (b) => {
            const f = new GgufFile(bufferSource(b, "q.gguf"));
            return { names: f.tensors.map((t) => t.name), read: (n) => f.readF32(n) };
        })]++;
    }
    assert.ok(seen.error > 1000, `most mutants are rejected (${JSON.stringify(seen)})`);
    assert.ok(seen.ok > 0, "some mutants still parse");
});

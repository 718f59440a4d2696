/**
 * GGUF files holding ggml's quantized types: every type read back as written (and decoded as formats/quant
 * decodes it); a row length that is not a whole number of blocks refused naming the tensor; a NaN or Inf block
 * scale reported by tensor and block.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { GgufError } from "../../../src/formats/gguf/GgufError.js";
import { GgufFile } from "../../../src/formats/gguf/GgufFile.js";
import { GgmlType, GgufValueType } from "../../../src/formats/gguf/ggufTypes.js";
import { writeGguf } from "../../../src/formats/gguf/writeGguf.js";
import { dequantizeGgml, QUANT_TYPES, type QuantType, quantizeGgml } from "../../../src/formats/quant/ggmlQuant.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-ggufquant-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const w = Float32Array.from({ length: 1024 }, (_, i) => Math.sin(i * 0.7) * Math.cos(i * 0.013));

function write(path: string, type: QuantType, dims = [512, 2]): void {
    writeGguf(path, {
        metadata: [["general.architecture", { type: GgufValueType.STRING, value: "llama" }]],
        tensors: [{ name: "t.weight", type, dims, data: () => quantizeGgml(type, w) }],
    });
}

/** Offset of the tensor info's dims[0] (after the name string and n_dims). */
function dims0At(bytes: Uint8Array, name: string): number {
    const at = Buffer.from(bytes).indexOf(Buffer.from(name));
    return at + name.length + 4;
}

test("every quantized type round-trips through a GGUF file, stored bytes and decoded values", () => {
    for (const type of QUANT_TYPES) {
        const path = join(dir, `${GgmlType[type]}.gguf`);
        write(path, type);
        using f = GgufFile.open(path);
        const q = quantizeGgml(type, w);
        assert.deepEqual(f.readBytes("t.weight"), q, GgmlType[type]);
        assert.deepEqual(f.readF32("t.weight"), dequantizeGgml(type, q, w.length), GgmlType[type]);
        assert.equal(f.info("t.weight").byteSize, q.length);
    }
});

test("a row length that is not a multiple of the block size is refused naming the tensor", () => {
    for (const [type, bad] of [[GgmlType.Q4_K, 128], [GgmlType.Q6_K, 272], [GgmlType.Q4_0, 48], [GgmlType.Q5_1, 16]] as const) {
        const path = join(dir, `rows-${type}.gguf`);
        write(path, type);
        const bytes = new Uint8Array(readFileSync(path));
        new DataView(bytes.buffer).setBigUint64(dims0At(bytes, "t.weight"), BigInt(bad), true);
        writeFileSync(path, bytes);
        assert.throws(() => GgufFile.open(path), (e: unknown) => e instanceof GgufError && e.message.includes("t.weight.dims[0]")
            && e.message.includes(`${bad} is not a multiple`), GgmlType[type]);
    }
});

test("a NaN or Inf scale is reported by tensor and block", () => {
    for (const [type, offset, field] of [[GgmlType.Q4_K, 2, "dmin"], [GgmlType.Q6_K, 208, "d"], [GgmlType.Q4_0, 0, "d"], [GgmlType.Q2_K, 80, "d"]] as const) {
        const path = join(dir, `nan-${type}.gguf`);
        write(path, type);
        const bytes = new Uint8Array(readFileSync(path));
        using clean = GgufFile.open(path);
        const start = clean.header.dataStart + clean.info("t.weight").offset;
        const blockBytes = clean.info("t.weight").byteSize / (1024 / (type === GgmlType.Q4_0 ? 32 : 256));
        for (const [bits, what] of [[0x7e00, "NaN"], [0xfc00, "Inf"]] as const) {
            const bad = bytes.slice();
            new DataView(bad.buffer).setUint16(start + 1 * blockBytes + offset, bits, true);
            const badPath = join(dir, `nan-${type}-${what}.gguf`);
            writeFileSync(badPath, bad);
            using f = GgufFile.open(badPath);
            assert.throws(() => f.readF32("t.weight"), (e: unknown) => e instanceof GgufError
                && e.message.includes("t.weight") && e.message.includes(`block 1 has a`) && e.message.includes(`${what} scale (${field})`), `${GgmlType[type]} ${what}`);
        }
    }
});

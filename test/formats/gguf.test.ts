import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FormatError } from "../../src/errors/MellamaError.js";
import { GgufFile } from "../../src/formats/gguf/GgufFile.js";
import { GgmlType, GgufValueType } from "../../src/formats/gguf/ggufTypes.js";
import { parseGgufHeader } from "../../src/formats/gguf/parseGguf.js";
import { ggufHeaderBytes, writeGguf } from "../../src/formats/gguf/writeGguf.js";
import { bufferSource } from "../../src/formats/safetensors/ByteSource.js";
import { SAMPLE_METADATA, sampleGguf } from "./sampleGguf.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-gguf-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("parseGguf(writeGguf(x)) deep-equals x: every value type, arrays, tensor infos, aligned data", () => {
    const path = join(dir, "rt.gguf");
    const w = sampleGguf(path);
    using f = GgufFile.open(path);
    assert.equal(f.header.version, 3);
    assert.deepEqual(f.metadata, SAMPLE_METADATA);
    assert.equal(f.header.dataStart % 32, 0);
    assert.deepEqual(f.tensors.map((t) => [t.name, t.dims, t.type, t.offset % 32]), [
        ["a.weight", [5], GgmlType.F32, 0], ["b.weight", [64, 3], GgmlType.F16, 0], ["c.weight", [64, 3], GgmlType.Q8_0, 0],
    ]);
    assert.deepEqual([...f.readF32("a.weight")], [1, 2, 3, 4, 5]);
    const b = f.readF32("b.weight");
    const c = f.readF32("c.weight");
    for (let i = 0; i < w.length; i++) {
        assert.ok(Math.abs(b[i]! - w[i]!) <= 2e-3, "f16 within half an ulp at |x| <= 3");
        assert.ok(Math.abs(c[i]! - w[i]!) <= 3 / 127 / 2 + 1e-3, "Q8_0 within d/2 (+ f16 rounding of d)");
    }
    // The header alone is deterministic and a prefix of the file.
    const { header } = ggufHeaderBytes({ metadata: SAMPLE_METADATA, tensors: f.tensors.map((t) => ({ ...t, data: new Uint8Array(0) })) });
    assert.deepEqual(readFileSync(path).subarray(0, header.length), Buffer.from(header));
});

test("general.alignment is honoured", () => {
    const path = join(dir, "align.gguf");
    writeGguf(path, {
        metadata: [["general.alignment", { type: GgufValueType.UINT32, value: 64 }]],
        tensors: [
            { name: "x", type: GgmlType.F32, dims: [3], data: new Uint8Array(12) },
            { name: "y", type: GgmlType.F32, dims: [2], data: new Uint8Array(8) },
        ],
    });
    using f = GgufFile.open(path);
    assert.equal(f.header.alignment, 64);
    assert.equal(f.header.dataStart % 64, 0);
    assert.deepEqual(f.tensors.map((t) => t.offset), [0, 64]);
});

/** Byte-level editing of a tiny valid file for the bad-input cases. */
function tiny(): Uint8Array {
    const path = join(dir, "tiny.gguf");
    writeGguf(path, {
        metadata: [["k", { type: GgufValueType.STRING, value: "v" }]],
        tensors: [{ name: "t", type: GgmlType.F32, dims: [2], data: new Uint8Array(8) }],
    });
    return new Uint8Array(readFileSync(path));
}
// Layout of tiny(): magic 0, version 4, n_tensors 8, n_kv 16, key len 24, key 32, type 33, str len 37, str 45,
// tensor name len 46, name 54, n_dims 55, dim0 59, type 67, offset 71, end 79, data at 96.
const edits: [string, (b: DataView) => void, RegExp][] = [
    ["wrong magic", (b) => b.setUint32(0, 0x46554746, true), /magic/],
    ["unsupported version", (b) => b.setUint32(4, 99, true), /version/],
    ["absurd tensor count", (b) => b.setBigUint64(8, 2n ** 40n, true), /tensor_count/],
    ["absurd kv count", (b) => b.setBigUint64(16, 2n ** 50n, true), /metadata_kv_count/],
    ["u64 beyond any size", (b) => b.setBigUint64(16, 2n ** 63n, true), /metadata_kv_count/],
    ["key length beyond the file", (b) => b.setBigUint64(24, 10n ** 12n, true), /metadata key 0/],
    ["unknown value type", (b) => b.setUint32(33, 77, true), /k: unknown value type/],
    ["string length beyond the file", (b) => b.setBigUint64(37, 2n ** 40n, true), /k/],
    ["absurd n_dims", (b) => b.setUint32(55, 1000, true), /t\.n_dims/],
    ["overflowing dims", (b) => { b.setUint32(55, 2, true); b.setBigUint64(59, 2n ** 40n, true); b.setUint32(67, 2 ** 30, true); }, /t\.dims/],
    ["unknown ggml type", (b) => b.setUint32(67, 99, true), /t\.type: unknown/],
    ["misaligned offset", (b) => b.setBigUint64(71, 4n, true), /t\.offset.*alignment/],
    ["offset outside the data", (b) => b.setBigUint64(71, 64n, true), /t\.offset.*outside/],
    ["dims larger than the data", (b) => b.setBigUint64(59, 1000n, true), /t\.offset.*outside/],
    ["block type with odd row", (b) => b.setUint32(67, GgmlType.Q8_0, true), /t\.dims\[0\].*block/],
];
for (const [label, edit, message] of edits) {
    test(`bad GGUF: ${label} -> GgufError naming the field`, () => {
        const bytes = tiny();
        edit(new DataView(bytes.buffer));
        assert.throws(() => parseGgufHeader({ source: bufferSource(bytes, "bad.gguf") }),
            (e: unknown) => e instanceof FormatError && e.message.startsWith("bad.gguf: ") && message.test(e.message));
    });
}

test("bad GGUF: every truncation gives a typed error (cuts inside the data leave the tensor outside it)", () => {
    const bytes = tiny();
    for (let n = 0; n < 96 + 8; n++) {
        assert.throws(() => parseGgufHeader({ source: bufferSource(bytes.subarray(0, n), "cut.gguf") }), FormatError, `cut at ${n}`);
    }
    assert.doesNotThrow(() => parseGgufHeader({ source: bufferSource(bytes, "whole.gguf") }));
});

test("the committed GGUF that Python's independent reader checked is what the writer produces today", () => {
    const fixtures = new URL("../fixtures/formats/", import.meta.url);
    const path = join(dir, "same.gguf");
    sampleGguf(path);
    assert.deepEqual(readFileSync(path), readFileSync(new URL("mellama_written.gguf", fixtures)));
    const py = JSON.parse(readFileSync(new URL("mellama_gguf_check.json", fixtures), "utf8")) as {
        version: number; dataStart: number; metadata: Record<string, unknown>;
        tensors: { name: string; dims: number[]; type: number; offset: number; sum?: number }[];
    };
    using f = GgufFile.open(path);
    assert.equal(py.version, 3);
    assert.equal(py.dataStart, f.header.dataStart);
    assert.deepEqual(Object.keys(py.metadata), [...SAMPLE_METADATA.keys()]);
    assert.deepEqual(py.metadata["arr.str"], SAMPLE_METADATA.get("arr.str")?.value);
    assert.deepEqual(py.tensors.map((t) => [t.name, t.dims, t.type, t.offset]), f.tensors.map((t) => [t.name, t.dims, t.type, t.offset]));
    assert.equal(py.tensors[0]?.sum, 15);
});

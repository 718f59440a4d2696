import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FormatError } from "../../src/errors/MellamaError.js";
import { bufferSource } from "../../src/formats/safetensors/ByteSource.js";
import { f32ToBytes } from "../../src/formats/safetensors/decodeTensor.js";
import { parseSafetensorsHeader } from "../../src/formats/safetensors/parseSafetensors.js";
import { SafetensorsFile } from "../../src/formats/safetensors/SafetensorsFile.js";
import { safetensorsHeaderBytes, writeSafetensors } from "../../src/formats/safetensors/writeSafetensors.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-st-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function withHeader(header: unknown, data = new Uint8Array(0), pad = true): Uint8Array {
    let json = Buffer.from(JSON.stringify(header));
    if (pad) {
        json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
    }
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
}

test("parse(write(x)) returns the same tensors, dtypes, shapes and metadata", () => {
    const a = Float32Array.from([1, -2.5, 3e-3, 65504, 1e-8, -0]);
    const ints = new Int32Array([7, -8, 2 ** 31 - 1]);
    const path = join(dir, "rt.safetensors");
    writeSafetensors(path, {
        metadata: { format: "pt", note: "x" },
        tensors: [
            { name: "a", dtype: "F32", shape: [2, 3], data: f32ToBytes(a, "F32") },
            { name: "a16", dtype: "F16", shape: [6], data: () => f32ToBytes(a, "F16") },
            { name: "abf", dtype: "BF16", shape: [3, 2], data: f32ToBytes(a, "BF16") },
            { name: "i", dtype: "I32", shape: [3], data: new Uint8Array(ints.buffer) },
            { name: "empty", dtype: "U8", shape: [0, 4], data: new Uint8Array(0) },
        ],
    });
    const bytes = readFileSync(path);
    const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    assert.equal(headerLen % 8, 0, "header padded to a multiple of 8");
    using f = SafetensorsFile.open(path);
    assert.deepEqual(f.metadata, { format: "pt", note: "x" });
    assert.deepEqual(f.tensors.map((t) => [t.name, t.dtype, t.shape]), [
        ["a", "F32", [2, 3]], ["a16", "F16", [6]], ["abf", "BF16", [3, 2]], ["i", "I32", [3]], ["empty", "U8", [0, 4]],
    ]);
    assert.deepEqual(f.readF32("a"), a);
    assert.deepEqual([...new Int32Array(f.readBytes("i").slice().buffer)], [...ints]);
    assert.deepEqual([...f.readF32("a16")].slice(0, 4), [1, -2.5, 0.0030002593994140625, 65504]);
    assert.equal(f.readF32("abf")[0], 1);
    assert.throws(() => f.readF32("i"), FormatError);
    assert.throws(() => f.info("nope"), /nope: no such tensor/);
});

test("header bytes: compact JSON, __metadata__ first, space padding", () => {
    const h = safetensorsHeaderBytes({ metadata: { format: "pt" }, tensors: [{ name: "w", dtype: "F32", shape: [1], data: new Uint8Array(4) }] });
    const text = Buffer.from(h.subarray(8)).toString("utf8");
    assert.equal(text.trimEnd(), '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
    assert.equal(text.length % 8, 0);
});

const bad: [string, Uint8Array, RegExp][] = [
    ["short file", new Uint8Array(4), /header length.*truncated/],
    ["header longer than the file", (() => { const b = withHeader({}); new DataView(b.buffer).setBigUint64(0, 1000n, true); return b; })(), /header length/],
    ["huge header length", (() => { const b = withHeader({}); new DataView(b.buffer).setBigUint64(0, 2n ** 62n, true); return b; })(), /header length.*limit/],
    ["not JSON", (() => { const b = withHeader({}); b[8] = 0x7b; b[9] = 0x7b; return b; })(), /header: not valid/],
    ["array header", withHeader([1, 2]), /must be an object/],
    ["bad dtype", withHeader({ w: { dtype: "F99", shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /w\.dtype: unknown dtype/],
    ["negative dim", withHeader({ w: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /w\.shape/],
    ["overflowing shape", withHeader({ w: { dtype: "F32", shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } }, new Uint8Array(4)), /w\.shape: element count overflows/],
    ["offsets outside data", withHeader({ w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)), /w\.data_offsets.*outside/],
    ["size mismatch", withHeader({ w: { dtype: "F32", shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)), /needs 8/],
    ["overlap", withHeader({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /overlaps/],
    ["gap", withHeader({ a: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /gap/],
    ["trailing bytes", withHeader({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)), /cover 4 bytes/],
    ["metadata not strings", withHeader({ __metadata__: { a: 1 } }), /__metadata__\.a: must be a string/],
    ["entry not object", withHeader({ w: 3 }), /w: tensor entry/],
];
for (const [label, bytes, message] of bad) {
    test(`bad input: ${label} -> FormatError naming the file and field`, () => {
        const path = join(dir, "bad.safetensors");
        writeFileSync(path, bytes);
        assert.throws(() => parseSafetensorsHeader({ source: bufferSource(bytes, path) }), (e: unknown) =>
            e instanceof FormatError && e.message.startsWith(path) && message.test(e.message));
        assert.throws(() => SafetensorsFile.open(path), FormatError);
    });
}

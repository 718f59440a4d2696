/** A small GGUF with every metadata value type and F32/F16/Q8_0 tensors, shared by the GGUF and fuzz tests. */
import { GgmlType, type GgufValue, GgufValueType } from "../../src/formats/gguf/ggufTypes.js";
import { writeGguf } from "../../src/formats/gguf/writeGguf.js";
import { f32ArrayToF16 } from "../../src/formats/quant/halfFloat.js";
import { quantizeQ8_0 } from "../../src/formats/quant/q8_0.js";

export const SAMPLE_METADATA = new Map<string, GgufValue>([
    ["general.architecture", { type: GgufValueType.STRING, value: "llama" }],
    ["u8", { type: GgufValueType.UINT8, value: 255 }],
    ["i8", { type: GgufValueType.INT8, value: -128 }],
    ["u16", { type: GgufValueType.UINT16, value: 65535 }],
    ["i16", { type: GgufValueType.INT16, value: -32768 }],
    ["u32", { type: GgufValueType.UINT32, value: 4294967295 }],
    ["i32", { type: GgufValueType.INT32, value: -2147483648 }],
    ["f32", { type: GgufValueType.FLOAT32, value: Math.fround(1e-5) }],
    ["bool", { type: GgufValueType.BOOL, value: true }],
    ["u64", { type: GgufValueType.UINT64, value: 2n ** 64n - 1n }],
    ["i64", { type: GgufValueType.INT64, value: -(2n ** 63n) }],
    ["f64", { type: GgufValueType.FLOAT64, value: Math.PI }],
    ["unicode ✓", { type: GgufValueType.STRING, value: "Ω ▁hello\n" }],
    ["arr.str", { type: GgufValueType.ARRAY, itemType: GgufValueType.STRING, value: ["<unk>", "<s>", "▁the", ""] }],
    ["arr.f32", { type: GgufValueType.ARRAY, itemType: GgufValueType.FLOAT32, value: [0, -1.5, Math.fround(0.1)] }],
    ["arr.i32", { type: GgufValueType.ARRAY, itemType: GgufValueType.INT32, value: [1, 2, 3, 6] }],
    ["arr.empty", { type: GgufValueType.ARRAY, itemType: GgufValueType.UINT8, value: [] }],
    ["arr.bool", { type: GgufValueType.ARRAY, itemType: GgufValueType.BOOL, value: [true, false] }],
]);

export function sampleGguf(path: string): Float32Array {
    const w = Float32Array.from({ length: 64 * 3 }, (_, i) => Math.sin(i) * 3);
    writeGguf(path, {
        metadata: SAMPLE_METADATA,
        tensors: [
            { name: "a.weight", type: GgmlType.F32, dims: [5], data: new Uint8Array(Float32Array.from([1, 2, 3, 4, 5]).buffer) },
            { name: "b.weight", type: GgmlType.F16, dims: [64, 3], data: () => new Uint8Array(f32ArrayToF16(w).buffer) },
            { name: "c.weight", type: GgmlType.Q8_0, dims: [64, 3], data: () => quantizeQ8_0(w) },
        ],
    });
    return w;
}

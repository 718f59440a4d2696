/**
 * What a bench row records about the machine: the CPU model and the SIMD flags llama.cpp and mellama pick their
 * kernels by (results on an AVX-512 machine and an AVX2-only one are not comparable), and the memory figures the
 * bench's guards read. Linux /proc only; elsewhere the fields say "unknown".
 */
import { readFileSync } from "node:fs";

const FLAGS = ["avx2", "avx512f", "avx512_vnni", "avx512_bf16", "f16c"] as const;

export interface CpuInfo {
    model: string;
    cores: number;
    /** Each flag the bench cares about, present or not. */
    flags: Record<(typeof FLAGS)[number], boolean>;
}

let cached: CpuInfo | undefined;

export function cpuInfo(): CpuInfo {
    if (cached !== undefined) {
        return cached;
    }
    let text = "";
    try {
        text = readFileSync("/proc/cpuinfo", "utf8");
    } catch {
        // not Linux: flags unknown, all reported false
    }
    const flagLine = /^flags\s*:\s*(.*)$/m.exec(text)?.[1] ?? "";
    const have = new Set(flagLine.split(/\s+/));
    cached = {
        model: /^model name\s*:\s*(.*)$/m.exec(text)?.[1]?.trim() ?? "unknown",
        cores: (text.match(/^processor\s*:/gm) ?? []).length,
        flags: Object.fromEntries(FLAGS.map((f) => [f, have.has(f)])) as CpuInfo["flags"],
    };
    return cached;
}

/** A value of /proc/<pid>/status (VmHWM, VmRSS) or /proc/meminfo (MemAvailable, MemTotal) in bytes; undefined if absent. */
export function procKiB(file: string, key: string): number | undefined {
    try {
        const m = new RegExp(`^${key}:\\s*(\\d+) kB`, "m").exec(readFileSync(file, "utf8"));
        return m === null ? undefined : Number(m[1]) * 1024;
    } catch {
        return undefined; // the process has exited, or not Linux
    }
}

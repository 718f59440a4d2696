/**
 * Spawns bench/lib/inferChild.ts in a fresh `node --import tsx` process and collects its JSON lines: the wall time
 * from spawn to its {"event":"firstToken"} line, its result, or why it failed (its error line, its exit signal,
 * the last of its stderr). A watchdog kills it when the machine is about to run out of memory (a model that does
 * not fit must cost its own row, not the bench or the other processes on the machine) or when it runs too long.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildArgs, ChildResult } from "./inferChild.js";
import { procKiB } from "./machine.js";

const CHILD = fileURLToPath(new URL("./inferChild.ts", import.meta.url));
/** Kill the child when the machine's available memory drops below this (bytes). */
const MIN_AVAILABLE = 1.5 * 2 ** 30;

export type ChildOutcome =
    /** firstTokenWallS: seconds from spawn to the child's firstToken line (null in bandwidth mode). */
    | { ok: true; result: ChildResult; firstTokenWallS: number | null; wallS: number }
    | { ok: false; reason: string; peakRssSeen: number | null; wallS: number };

export function runChild(args: ChildArgs, timeoutS: number): Promise<ChildOutcome> {
    return new Promise((resolve) => {
        const t0 = performance.now();
        const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(args)], { stdio: ["ignore", "pipe", "pipe"] });
        let firstTokenWallS: number | null = null;
        let result: ChildResult | undefined;
        let error: string | undefined;
        let killedFor: string | undefined;
        let peakRssSeen: number | null = null;
        let stderr = "";
        let pending = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
            const now = performance.now();
            pending += chunk;
            const lines = pending.split("\n");
            pending = lines.pop() ?? "";
            for (const line of lines) {
                let msg: { event?: string; message?: string };
                try {
                    msg = JSON.parse(line) as { event?: string };
                } catch {
                    continue; // a library printing to stdout
                }
                if (msg.event === "firstToken") {
                    firstTokenWallS = (now - t0) / 1000;
                } else if (msg.event === "result") {
                    result = msg as ChildResult;
                } else if (msg.event === "error") {
                    error = msg.message;
                }
            }
        });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr = (stderr + chunk).slice(-4000); });
        const watchdog = setInterval(() => {
            const hwm = child.pid === undefined ? undefined : procKiB(`/proc/${child.pid}/status`, "VmHWM");
            peakRssSeen = hwm ?? peakRssSeen;
            const available = procKiB("/proc/meminfo", "MemAvailable");
            if (available !== undefined && available < MIN_AVAILABLE && killedFor === undefined) {
                killedFor = `killed by the bench: the machine had ${(available / 2 ** 30).toFixed(1)} GiB available left (child peak RSS ${((peakRssSeen ?? 0) / 1e9).toFixed(1)} GB)`;
                child.kill("SIGKILL");
            } else if ((performance.now() - t0) / 1000 > timeoutS && killedFor === undefined) {
                killedFor = `killed by the bench after ${timeoutS} s`;
                child.kill("SIGKILL");
            }
        }, 250);
        child.on("close", (code, signal) => {
            clearInterval(watchdog);
            const wallS = (performance.now() - t0) / 1000;
            if (result !== undefined) {
                resolve({ ok: true, result, firstTokenWallS, wallS });
                return;
            }
            const lastErr = stderr.trim().split("\n").filter((l) => l.trim() !== "").slice(-3).join(" | ");
            const reason = killedFor ?? error
                ?? (signal !== null ? `exited on ${signal}${signal === "SIGKILL" ? " (out of memory?)" : ""}` : `exited with code ${String(code)}`);
            resolve({ ok: false, reason: error === undefined && lastErr !== "" ? `${reason}: ${lastErr.slice(0, 400)}` : reason, peakRssSeen, wallS });
        });
    });
}

/**
 * Progress for long work: a bar with rate and ETA on a terminal (cli-progress), periodic one-line updates on
 * stderr otherwise (CI logs), nothing when MELLAMA_QUIET=1. Labels must never contain clinical text.
 */
import cliProgress from "cli-progress";

export interface Progress {
    update(done: number, extra?: Record<string, string | number>): void;
    increment(by?: number): void;
    stop(): void;
}

export interface ProgressOptions {
    label: string;
    /** 0 (or less) when the amount of work is not known in advance: then a count and a rate, no bar or ETA. */
    total: number;
    unit?: string;
    /** Shown amounts are value / scale with one decimal (bytes counted, MB shown: scale 1e6, unit "MB"). */
    scale?: number;
}

export function createProgress({ label, total, unit = "it", scale }: ProgressOptions): Progress {
    const show = (v: number): string => (scale === undefined ? String(Math.round(v)) : (v / scale).toFixed(1));
    if (process.env.MELLAMA_QUIET === "1") {
        let n = 0;
        return { update: (d) => { n = d; }, increment: (by = 1) => { n += by; }, stop: () => { void n; } };
    }
    const known = total > 0;
    if (process.stderr.isTTY) {
        const bar = new cliProgress.SingleBar({
            format: known ? `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`
                : `${label} | {value} ${unit} | {rate} ${unit}/s`,
            stream: process.stderr,
            hideCursor: true,
            formatValue: (v: number, options: cliProgress.Options, type: cliProgress.ValueType) => (type === "value" || type === "total" ? show(v) : cliProgress.Format.ValueFormat(v, options, type)),
        }, cliProgress.Presets.shades_classic);
        const start = Date.now();
        let value = 0;
        bar.start(total, 0, { rate: "0" });
        const rate = (): string => (value / (scale ?? 1) / Math.max(1e-3, (Date.now() - start) / 1000)).toFixed(1);
        return {
            update: (d, extra) => { value = d; bar.update(d, { rate: rate(), ...extra }); },
            increment: (by = 1) => { value += by; bar.update(value, { rate: rate() }); },
            stop: () => bar.stop(),
        };
    }
    const start = Date.now();
    let value = 0;
    let last = 0;
    const report = (force: boolean): void => {
        const now = Date.now();
        if (!force && now - last < 5000) {
            return;
        }
        last = now;
        const secs = Math.max(1e-3, (now - start) / 1000);
        const rate = value / secs;
        const eta = rate > 0 ? Math.max(0, (total - value) / rate) : 0;
        const shownRate = (rate / (scale ?? 1)).toFixed(1);
        process.stderr.write(known ? `${label}: ${show(value)}/${show(total)} ${unit} (${shownRate} ${unit}/s, ETA ${eta.toFixed(0)} s)\n`
            : `${label}: ${show(value)} ${unit} (${shownRate} ${unit}/s)\n`);
    };
    return {
        update: (d) => { value = d; report(false); },
        increment: (by = 1) => { value += by; report(false); },
        stop: () => report(true),
    };
}

import assert from "node:assert/strict";
import { test } from "node:test";
import { createProgress } from "../../src/util/progress.js";

function captureStderr(run: () => void): string {
    const write = process.stderr.write.bind(process.stderr);
    const quiet = process.env.MELLAMA_QUIET;
    const tty = process.stderr.isTTY;
    let out = "";
    delete process.env.MELLAMA_QUIET;
    process.stderr.isTTY = false;
    process.stderr.write = ((chunk: string | Uint8Array): boolean => { out += String(chunk); return true; }) as typeof process.stderr.write;
    try {
        run();
    } finally {
        process.stderr.write = write;
        process.stderr.isTTY = tty;
        if (quiet !== undefined) {
            process.env.MELLAMA_QUIET = quiet;
        }
    }
    return out;
}

test("a known total reports done/total, rate and ETA", () => {
    const out = captureStderr(() => {
        const p = createProgress({ label: "pack", total: 10, unit: "docs" });
        p.update(4);
        p.stop();
    });
    assert.match(out, /^pack: 4\/10 docs \([\d.]+ docs\/s, ETA \d+ s\)$/m);
});

test("an unknown total (0) reports a count and a rate, never '/0' or an ETA", () => {
    const out = captureStderr(() => {
        const p = createProgress({ label: "documents", total: 0, unit: "docs" });
        p.increment(7);
        p.stop();
    });
    assert.match(out, /^documents: 7 docs \([\d.]+ docs\/s\)$/m);
    assert.doesNotMatch(out, /\/0|ETA/);
});

test("a scale shows amounts and rate in the scaled unit with one decimal (bytes counted, MB shown)", () => {
    const out = captureStderr(() => {
        const p = createProgress({ label: "documents", total: 15_300_000, unit: "MB", scale: 1e6 });
        p.update(4_250_000);
        p.stop();
    });
    assert.match(out, /^documents: 4\.3\/15\.3 MB \([\d.]+ MB\/s, ETA \d+ s\)$/m);
});

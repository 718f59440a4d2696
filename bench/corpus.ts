/**
 * bench:corpus — end-to-end corpus throughput (MB of raw input per second through read, clean, PHI scan, dedup,
 * tokenize, mix, pack) and peak RSS, at 1×, 3× and 10× input, each build a child `mellama corpus build` process.
 * Inputs are the shared data's PubMed abstracts, MTSamples notes and wikitext-2 written as jsonl; the 10× input
 * repeats them with every copy's words re-spelled by a per-copy substitution, so copies are not duplicates.
 * No external anchor exists; the target is ≥ 10 MB/s with peak memory flat from 1× to 10×. Each scale is built
 * `reps` times (3; --quick: 1) from scratch; the row is the median throughput, with every run's wall and CPU
 * seconds and peak RSS in its config (CPU seconds are the steadier figure on a shared machine). Inputs and
 * outputs are removed afterwards.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readMtsamples } from "../src/eval/loaders/readMtsamples.js";
import { readPubmedqa } from "../src/eval/loaders/readPubmedqa.js";
import { readFileSync } from "node:fs";
import { dataDir } from "../src/util/dataDir.js";
import { median, writeBenchResults } from "./lib/benchResults.js";
import { compiledCli } from "./lib/compiledCli.js";

const data = dataDir();
const domains = {
    biomedical: readPubmedqa(join(data, "pubmedqa", "ori_pqal.json"), () => undefined, "all").map((r) => r.contexts.join("\n")),
    clinical: readMtsamples(join(data, "mtsamples", "mtsamples.csv"), () => undefined).map((r) => r.transcription),
    general: readFileSync(join(data, "wikitext2", "test.txt"), "utf8").split(/\n \n = /).filter((t) => t.length > 200),
};
const tokenizer = fileURLToPath(new URL("../test/fixtures/tokenizer/words.model", import.meta.url));
const bin = compiledCli();
const quick = process.argv.includes("--quick");
// 3× as well: where peak memory stops growing (the 1× build ends before the pipeline's buffers and heaps reach
// their steady size), so 1× → 3× → 10× separates warm-up from growth with the input.
const scales = quick ? [1, 3] : [1, 3, 10];
const reps = quick || process.env.KEEP_BENCH_DIR ? 1 : 3;

function respell(text: string, copy: number): string {
    // A different, deterministic spelling per copy of every word of 5+ letters: shingles and exact keys differ,
    // lengths and word shapes stay, and the short function words (the quality filter's stop words are all <= 4
    // letters) stay, so copies pass the same rules as the original instead of being rejected early. The new
    // spellings also give the tokenizer ten times the distinct words, as a larger real corpus would.
    return copy === 0 ? text : text.replace(/[a-z]{5,}/g, (w) => w.split("").map((c) => String.fromCharCode(97 + ((c.charCodeAt(0) - 97 + copy * 7) % 26))).join(""));
}

const rows = [];
for (const scale of scales) {
    const dir = mkdtempSync(join(tmpdir(), `bench-corpus-${scale}x-`));
    let bytes = 0;
    for (const [domain, docs] of Object.entries(domains)) {
        const lines: string[] = [];
        for (let copy = 0; copy < scale; copy++) {
            docs.forEach((text, i) => lines.push(JSON.stringify({ id: `${copy}-${i}`, text: respell(text, copy) })));
        }
        const path = join(dir, `${domain}.jsonl`);
        writeFileSync(path, lines.join("\n"));
        bytes += statSync(path).size;
    }
    writeFileSync(join(dir, "corpus.json"), JSON.stringify({ output: "out", tokenizer, seqLen: 1025, sources: Object.keys(domains).map((d) =>
        ({ name: d, domain: d, format: "jsonl", path: `${d}.jsonl` })) }));
    const runs: { seconds: number; cpuSeconds: number; peakRssMiB: number; documentsRead: number; documentsKept: number }[] = [];
    for (let rep = 0; rep < reps; rep++) {
        rmSync(join(dir, "out"), { recursive: true, force: true });
        const t0 = performance.now();
        const r = spawnSync("/usr/bin/time", ["-f", "%M %U %S", process.execPath, bin, "corpus", "build", join(dir, "corpus.json")],
            { encoding: "utf8", env: { ...process.env, MELLAMA_QUIET: "1" } });
        const seconds = (performance.now() - t0) / 1000;
        if (r.status !== 0) {
            throw new Error(`corpus build failed: ${r.stderr.slice(-500)}`);
        }
        const [rssKiB, user, sys] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number);
        const stats = JSON.parse(readFileSync(join(dir, "out", "stats.json"), "utf8")) as { documents: { read: Record<string, number>; kept: Record<string, number> }[] };
        const count = (key: "read" | "kept"): number => stats.documents.reduce((a, d) => a + Object.values(d[key]).reduce((x, y) => x + y, 0), 0);
        runs.push({ seconds, cpuSeconds: user! + sys!, peakRssMiB: Math.round(rssKiB! / 1024), documentsRead: count("read"), documentsKept: count("kept") });
        process.stderr.write(`${scale}x run ${rep + 1}/${reps}: ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s (${(user! + sys!).toFixed(2)} s CPU), peak RSS ${(rssKiB! / 1024).toFixed(0)} MiB\n`);
    }
    if (process.env.KEEP_BENCH_DIR) { process.stderr.write(`kept ${dir}\n`); } else { rmSync(dir, { recursive: true, force: true }); }
    const seconds = median(runs.map((r) => r.seconds));
    rows.push({ name: `corpus build ${scale}x (${(bytes / 1e6).toFixed(0)} MB)`, unit: "MB/s", value: bytes / 1e6 / seconds, anchor: null, anchorValue: null, ratio: null,
        config: { scale, bytes, seconds, peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)), cpuSeconds: median(runs.map((r) => r.cpuSeconds)), runs } });
}
writeBenchResults("corpus", rows);

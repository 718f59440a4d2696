/**
 * Every command against a table of bad inputs (missing, unreadable, a directory, empty, garbage, the wrong type,
 * out of range, an occupied or input output path): one line `mellama: …` on stderr, the right exit status (2 for
 * a user error), no stack trace, and no file that existed before changed. The table runs through main() in one
 * child process (helpers/cliBatch.ts), so it costs one process start, not one per row; the other CLI tests cover
 * bin/mellama.js itself. A second table runs the commands that write large outputs onto a full disk (a small tmpfs,
 * where this process may mount one; otherwise it is skipped with the reason): exit 1, one line naming the file and
 * the full disk, nothing partial or temporary left, nothing that was there changed.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import {
    chmodSync, closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { runCliBatch } from "../helpers/cliBatch.js";
import { tinyConfig, writeTinyAdapter, writeTinyModel } from "../helpers/tinyModel.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-bad-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const at = (p: string): string => join(dir, p);

// Inputs of every kind of wrong.
writeFileSync(at("bad.yaml"), "a: [\n");
writeFileSync(at("empty.yaml"), "");
writeFileSync(at("list.yaml"), "- 1\n- 2\n");
writeFileSync(at("garbage.bin"), Buffer.from([0, 1, 2, 255, 254, 10, 13, 0x7b]));
writeFileSync(at("range.yaml"), "output: out\ntokenizer: t.model\ndata: { train: d }\nmicroBatchSize: 0\n");
writeFileSync(at("sft-range.yaml"), "output: out\nbase: model\ndata: { train: d }\nlora: { r: -1 }\n");
writeFileSync(at("corpus-type.yaml"), "output: out\ntokenizer: t.model\nsources: nope\n");
writeFileSync(at("empty.jsonl"), "");
writeFileSync(at("unreadable.yaml"), "output: x\n");
chmodSync(at("unreadable.yaml"), 0o000);
mkdirSync(at("dir"));
mkdirSync(at("occupied"));
writeFileSync(at("occupied/keep.txt"), "precious");
writeTinyModel(at("model"));
writeTinyAdapter(at("adapter"));
mkdirSync(at("dora"));
writeTinyAdapter(at("dora"));
writeFileSync(at("dora/adapter_config.json"), JSON.stringify({ ...JSON.parse(readFileSync(at("dora/adapter_config.json"), "utf8")) as object, use_dora: true }));
mkdirSync(at("badrun"));
writeFileSync(at("badrun/run.json"), "{\"model\": 3}");
mkdirSync(at("cwd"));
// Root reads a file of mode 000, so the unreadable rows only mean something for other users.
const asRoot = process.getuid?.() === 0;

type Row = [args: string[], exit: number, stderr: RegExp];
const config = (command: string[]): Row[] => [
    [[...command, at("nope.yaml")], 2, /nope\.yaml: cannot read the .*config \(ENOENT/],
    [[...command, at("dir")], 2, /dir: the .*config is not a regular file/],
    [[...command, at("empty.yaml")], 2, /empty\.yaml: \(root\): .*expected object/],
    [[...command, at("bad.yaml")], 2, /bad\.yaml:2:1: not valid YAML or JSON/],
    [[...command, at("garbage.bin")], 2, /garbage\.bin(:\d+:\d+)?: /],
    [[...command, at("list.yaml")], 2, /list\.yaml: \(root\): .*expected object, received array/],
    ...(asRoot ? [] : [[[...command, at("unreadable.yaml")], 2, /unreadable\.yaml: cannot read the .*config \(EACCES/] as Row]),
];
const rows: Row[] = [
    ...config(["pretrain", "--config"]), ...config(["sft", "--config"]), ...config(["instruct", "build", "--config"]), ...config(["corpus", "build"]),
    [["pretrain", "--config", at("range.yaml")], 2, /range\.yaml: microBatchSize: /],
    [["sft", "--config", at("sft-range.yaml")], 2, /sft-range\.yaml: lora\.r: /],
    [["corpus", "build", at("corpus-type.yaml")], 2, /corpus-type\.yaml: sources: /],
    [["corpus", "merge", at("list.yaml"), "--shards", "0"], 2, /--shards: expected an integer in \[1, /],
    [["corpus", "merge", at("list.yaml"), "--shards", "two"], 2, /--shards: expected an integer/],
    [["corpus", "build", at("list.yaml"), "--shard", "3/2"], 2, /list\.yaml: \(root\)|--shard/],
    [["generate", "--model", at("nope"), "--prompt", "x"], 2, /nope: .*no such file/],
    [["generate", "--model", at("dir"), "--prompt", "x"], 2, /dir: config\.json: missing/],
    [["generate", "--model", at("garbage.bin"), "--prompt", "x"], 2, /garbage\.bin: format: not a GGUF file/],
    [["generate", "--model", at("empty.yaml"), "--prompt", "x"], 2, /empty\.yaml: /],
    [["generate", "--model", at("model"), "--prompt", "x", "--max-tokens", "abc"], 2, /--max-tokens: expected an integer in \[1, .*got "abc"/],
    [["generate", "--model", at("model"), "--prompt", "x", "--max-tokens", "0"], 2, /--max-tokens: expected an integer/],
    [["generate", "--model", at("model"), "--prompt", "x", "--seed", "xyz"], 2, /--seed: expected an integer/],
    [["generate", "--model", at("model"), "--prompt", "x", "--temperature", "-1"], 2, /--temperature: expected a number in \[0, 100\]/],
    [["generate", "--model", at("model"), "--prompt", "x", "--threads", "0"], 2, /--threads: expected an integer in \[1, 1024\]/],
    [["generate", "--model", at("model"), "--prompts", at("dir")], 2, /--prompts: is a directory/],
    [["generate", "--model", at("model"), "--prompts", at("empty.jsonl")], 2, /empty\.jsonl: prompts: no prompts/],
    [["inspect", at("nope.safetensors")], 2, /nope\.safetensors: /],
    [["inspect", at("garbage.bin")], 2, /garbage\.bin: header length: /],
    [["inspect", at("empty.yaml")], 2, /empty\.yaml: header length: .* truncated/],
    [["inspect", at("dir")], 2, /dir: config\.json: missing/],
    [["export", "--from", at("nope"), "--to", "gguf", "--out", at("o.gguf")], 2, /--from: no such file or directory/],
    [["export", "--from", at("model"), "--to", "onnx", "--out", at("o.gguf")], 2, /--to: expected one of gguf, hf, got "onnx"/],
    [["export", "--from", at("model"), "--to", "gguf", "--type", "q4", "--out", at("o.gguf")], 2, /--type: expected one of f32, f16, bf16, q8_0/],
    [["export", "--from", at("model"), "--to", "hf", "--max-shard-size", "0", "--out", at("o")], 2, /--max-shard-size: expected an integer in \[1, /],
    [["export", "--from", at("model"), "--to", "hf", "--out", at("model")], 2, /model: is an input of this command/],
    [["export", "--from", at("model"), "--to", "hf", "--out", at("occupied")], 2, /occupied: exists and is not empty; pass --overwrite/],
    [["export", "--from", at("model"), "--to", "hf", "--out", at("occupied"), "--overwrite"], 2, /occupied: was not written by `mellama export`/],
    [["export", "--from", at("model"), "--to", "gguf", "--out", at("garbage.bin")], 2, /garbage\.bin: exists and is not empty; pass --overwrite/],
    [["export", "--from", at("garbage.bin"), "--to", "hf", "--out", at("o")], 2, /garbage\.bin: format: /],
    [["merge", "--base", at("nope"), "--adapter", at("adapter"), "--out", at("m")], 2, /--base: no such file or directory/],
    [["merge", "--base", at("model"), "--adapter", at("garbage.bin"), "--out", at("m")], 2, /--adapter: is a file; a directory is expected/],
    [["merge", "--base", at("model"), "--adapter", at("dir"), "--out", at("m")], 2, /dir.*adapter_config\.json/],
    [["merge", "--base", at("model"), "--adapter", at("adapter"), "--out", at("model")], 2, /model: is an input of this command/],
    [["merge", "--base", at("model"), "--adapter", at("adapter"), "--out", dir], 2, /holds an input of this command/],
    [["merge", "--base", at("model"), "--adapter", at("adapter"), "--out", at("occupied")], 2, /occupied: exists and is not empty/],
    [["merge", "--base", at("model"), "--adapter", at("adapter"), "--out", at("model/model.safetensors")], 2, /model\.safetensors: exists and is a file/],
    [["merge", "--base", at("model"), "--adapter", at("dora"), "--out", at("m")], 2, /adapter_config\.json: use_dora: true is not supported/],
    [["eval", "--model", "echo", "--tasks", "pubmedqa", "--data", at("nope")], 2, /--data: no such file or directory/],
    [["eval", "--model", "echo", "--tasks", "pubmedqa", "--data", at("garbage.bin")], 2, /--data: is a file; a directory is expected/],
    [["eval", "--model", "echo", "--tasks", "nosuch"], 2, /unknown task "nosuch"/],
    [["eval", "--model", "echo", "--tasks", "pubmedqa", "--limit", "abc"], 2, /--limit: expected a number/],
    [["eval", "--model", "echo", "--tasks", "pubmedqa", "--max-tokens", "0"], 2, /--max-tokens: expected an integer in \[1, /],
    [["eval", "--model", "echo", "--tasks", "pubmedqa", "--scoring", "loose"], 2, /--scoring: expected one of paper, strict/],
    [["eval", "--model", "echo", "--tasks", "pubmedqa", "--concurrency", "0"], 2, /--concurrency: expected an integer/],
    [["eval", "--model", "echo", "--tasks", "pubmedqa", "--task-path", `pubmedqa=${at("empty.jsonl")}`], 2, /empty\.jsonl|no usable documents/],
    [["eval", "--model", "openai:http://user:secret@127.0.0.1:9", "--tasks", "pubmedqa"], 2, /--model: the URL carries credentials/],
    [["eval", "--model", "echo", "--judge", "openai:https://u:p@example.org#m", "--tasks", "diagnosis"], 2, /--judge: the URL carries credentials/],
    [["eval", "--resume", at("nope")], 2, /--resume: no such file or directory/],
    [["eval", "--resume", at("dir")], 2, /run\.json: cannot read the run\.json of --resume/],
    [["eval", "--resume", at("badrun")], 2, /run\.json: model: /],
    [["serve", "--model", at("model"), "--port", "70000"], 2, /--port: expected an integer in \[0, 65535\]/],
    [["serve", "--model", at("model"), "--max-batch", "0"], 2, /--max-batch: expected an integer in \[1, 16\]/],
    [["serve", "--model", at("nope")], 2, /nope: /],
    [["tokenizer", "train", "--input", at("nope.txt"), "--vocab-size", "300", "--output", at("tok")], 2, /--input: no such file/],
    [["tokenizer", "train", "--input", at("dir"), "--vocab-size", "300", "--output", at("tok")], 2, /--input: is a directory/],
    [["tokenizer", "train", "--input", at("empty.yaml"), "--vocab-size", "-5", "--output", at("tok")], 2, /--vocab-size: expected an integer/],
    [["tokenizer", "train", "--input", at("empty.yaml"), "--vocab-size", "300", "--output", at("empty.yaml")], 2, /empty\.yaml: is an input of this command/],
    [["tokenizer", "train", "--input", at("empty.yaml"), "--vocab-size", "300", "--output", dir], 2, /holds an input of this command/],
    [["tokenizer", "train", "--input", at("empty.yaml"), "--vocab-size", "300", "--output", at("occupied")], 2, /occupied: exists and is not empty; pass --overwrite/],
    [["tokenizer", "train", "--input", at("empty.yaml"), "--vocab-size", "300", "--output", at("occupied"), "--overwrite"], 2,
        /occupied: was not written by `mellama tokenizer train`/],
    [["tokenizer", "encode", "--tokenizer", at("garbage.bin")], 2, /garbage\.bin: /],
    [["tokenizer", "encode", "--tokenizer", at("nope.model")], 2, /--tokenizer: no such file/],
    [["data", "fetch", "pubmedqa", "--source", "ftp"], 2, /--source: expected one of github, hf/],
    [["data", "fetch", "nosuch"], 2, /nosuch/],
    [["data", "fetch", "pubmedqa", "--max-bytes", "0"], 2, /--max-bytes: expected an integer in \[1, /],
    [["diagnosis", "review", "export", at("dir"), "--reviewers", "0"], 2, /--reviewers: expected an integer in \[1, 1000\]/],
    [["diagnosis", "compare", at("dir"), at("nope")], 2, /<runB>: no such file or directory/],
    [["diagnosis", "review", "export", at("nope"), "--reviewers", "2"], 2, /<runs>: no such file or directory/],
    [["diagnosis", "review", "import", at("dir"), at("nope.csv")], 2, /<files>: no such file or directory/],
    [["demo", "--data", at("nope")], 2, /--data: no such file or directory/],
    [["demo", "--data", at("dir"), "--out", at("demo")], 2, /--data: .*dir lacks pubmedqa\/ori_pqal\.json/],
    [["demo", "--scale", "huge"], 2, /--scale: expected one of nano, small, smoke/],
    [["nosuch"], 2, /unknown command 'nosuch'/],
    [["generate", "--model", at("model"), "--prompt", "x", "--nosuch"], 2, /unknown option '--nosuch'/],
    [["pretrain"], 2, /required option '--config <file>' not specified/],
    [["corpus", "merge", "--shards", "2"], 2, /missing required argument 'config'/],
];

/** Every file under `root` with its content hash and mtime (`skip`: relative paths left out). */
function snapshot(root: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (p: string): void => {
        for (const name of readdirSync(p)) {
            const full = join(p, name);
            const s = statSync(full);
            if (skip(relative(root, full))) {
                continue;
            } else if (s.isDirectory()) {
                walk(full);
            } else {
                const readable = asRoot || (s.mode & 0o444) !== 0;
                out.set(relative(root, full), `${s.mtimeMs} ${s.mode} ${readable ? createHash("sha256").update(readFileSync(full)).digest("hex") : ""}`);
            }
        }
    };
    walk(root);
    return out;
}

test("every command: bad inputs give one line, exit 2, no stack trace, and change no existing file", () => {
    const before = snapshot(dir);
    const env = { MELLAMA_QUIET: "1", MELLAMA_DATA: at("dir"), OPENAI_API_KEY: "" };
    const results = runCliBatch(rows.map(([args]) => ({ args, cwd: at("cwd"), env })));
    const failures: string[] = [];
    rows.forEach(([args, exit, pattern], i) => {
        const { status, stderr } = results[i]!;
        const name = `mellama ${args.map((a) => a.replace(dir, "DIR")).join(" ")}`;
        const lines = stderr.split("\n").filter((l) => l !== "");
        if (status !== exit) {
            failures.push(`${name}: exit ${status}, expected ${exit}: ${stderr}`);
        } else if (lines.length !== 1 || !lines[0]!.startsWith("mellama: ")) {
            failures.push(`${name}: not one "mellama: " line: ${JSON.stringify(stderr)}`);
        } else if (!pattern.test(lines[0]!)) {
            failures.push(`${name}: ${JSON.stringify(lines[0])} does not match ${pattern}`);
        } else if (/\n\s+at |\(node:|\.ts:\d+:\d+\)/.test(stderr)) {
            failures.push(`${name}: a stack trace: ${stderr}`);
        }
    });
    assert.deepEqual(failures, []);
    const afterwards = snapshot(dir);
    for (const [file, stamp] of before) {
        assert.equal(afterwards.get(file), stamp, `${file} changed`);
    }
});

const FIXTURE_DATA = fileURLToPath(new URL("../fixtures/eval/data/", import.meta.url));
const WORDS_MODEL = fileURLToPath(new URL("../fixtures/tokenizer/words.model", import.meta.url));

/** Fills the file system of `root` with `root/.filler` until `free` bytes are left (0: completely full). */
function fill(root: string, free: number): void {
    const fd = openSync(join(root, ".filler"), "w");
    const page = Buffer.alloc(4096, 1);
    let size = 0;
    try {
        for (;;) {
            size += writeSync(fd, page);
        }
    } catch (error) {
        assert.equal((error as NodeJS.ErrnoException).code, "ENOSPC");
    }
    ftruncateSync(fd, Math.max(0, size - free));
    closeSync(fd);
}

test("full disk (a small tmpfs): the commands that write large outputs fail with one line naming the file and ENOSPC, exit 1, and leave nothing", async (t) => {
    const full = mkdtempSync(join(tmpdir(), "mellama-full-"));
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", full], { encoding: "utf8" });
    if (mounted.status !== 0) {
        rmSync(full, { recursive: true, force: true });
        const why = (mounted.stderr || mounted.error?.message || `exit ${mounted.status}`).trim();
        t.skip(`cannot mount a tmpfs here (${why}); the full-disk rows need one (root, or CAP_SYS_ADMIN)`);
        return;
    }
    t.after(() => {
        spawnSync("umount", [full]);
        rmSync(full, { recursive: true, force: true });
    });
    const big = tinyConfig(64, 2); // ~0.3 MB of F32 weights: far over the room the rows leave
    writeTinyModel(at("model64"), big);
    writeTinyAdapter(at("adapter64"), big);
    writeFileSync(at("notes.jsonl"), `${Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `n${i}`,
        text: `aspirin was given daily for the chest pain of the patient ${i} in clinic, follow up in ${i % 9} weeks, dose ${i * 7} mg` })).join("\n")}\n`);
    // Made-up words from syllables, so a 1500-piece vocabulary has text to learn from (tokenizer.json alone ~100 KB).
    const syllables = ["ka", "lo", "mi", "tre", "su", "pan", "dor", "vel", "qui", "zen", "bra", "fo"];
    const word = (n: number): string => [n % 12, Math.floor(n / 12) % 12, Math.floor(n / 144) % 12].map((k) => syllables[k]).join("");
    writeFileSync(at("words.txt"), Array.from({ length: 4000 }, (_, i) => Array.from({ length: 8 }, (_, j) => word((i * 37 + j * 101) % 1728)).join(" ")).join("\n"));
    const corpusConfig = (name: string): string => {
        const path = at(`${name}.json`);
        writeFileSync(path, JSON.stringify({ output: join(full, name), tokenizer: WORDS_MODEL, seqLen: 16, validationFraction: 0.1,
            sources: [{ name: "notes", domain: "clinical", format: "jsonl", path: at("notes.jsonl"), quality: false }],
            mix: { biomedical: 0, clinical: 1, general: 0 } }));
        return path;
    };
    const env = { MELLAMA_QUIET: "1", OPENAI_API_KEY: "" };
    // The document stage of one corpus while there is room, so `corpus merge` meets the full disk while packing.
    const [staged] = runCliBatch([{ args: ["corpus", "build", corpusConfig("packed"), "--shard", "0/1"], cwd: at("cwd"), env }]);
    assert.equal(staged!.status, 0, staged!.stderr);
    writeFileSync(join(full, "keep.txt"), "precious\n");
    const rows: { args: string[]; final: string }[] = [
        { args: ["export", "--from", at("model64"), "--to", "gguf", "--out", join(full, "m.gguf")], final: "m.gguf" },
        { args: ["export", "--from", at("model64"), "--to", "hf", "--out", join(full, "hf")], final: "hf" },
        { args: ["quantize", at("model64"), join(full, "q.gguf"), "--type", "q8_0"], final: "q.gguf" },
        { args: ["merge", "--base", at("model64"), "--adapter", at("adapter64"), "--out", join(full, "merged")], final: "merged" },
        { args: ["tokenizer", "train", "--input", at("words.txt"), "--vocab-size", "1500", "--output", join(full, "tok")], final: "tok" },
        { args: ["corpus", "build", corpusConfig("corpus")], final: "corpus" },
        { args: ["corpus", "merge", corpusConfig("packed"), "--shards", "1"], final: "packed" },
        { args: ["eval", "--model", `native:${at("model64")}`, "--tasks", "mednli", "--data", FIXTURE_DATA, "--max-tokens", "2",
            "--output", join(full, "runs")], final: "runs" },
    ];
    const line = new RegExp(`^mellama: ${full.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/\\S+: no space left on the device \\((ENOSPC|SQLITE_FULL|SQLITE_IOERR_\\w+)\\)`);
    const inputsBefore = snapshot(dir, (rel) => rel.startsWith("cwd"));
    // Completely full (the first byte of any file fails), then nearly full (small files fit, the outputs do not).
    for (const free of [0, 48 << 10]) {
        fill(full, free);
        const before = snapshot(full, (rel) => rel === ".filler");
        const results = runCliBatch(rows.map(({ args }) => ({ args, cwd: at("cwd"), env })));
        const failures: string[] = [];
        rows.forEach(({ args }, i) => {
            const { status, stderr } = results[i]!;
            const name = `[${free} bytes free] mellama ${args.slice(0, 2).join(" ")}`;
            const lines = stderr.split("\n").filter((l) => l !== "");
            if (status !== 1) {
                failures.push(`${name}: exit ${status}, expected 1: ${stderr}`);
            } else if (lines.length !== 1 || !line.test(lines[0]!)) {
                failures.push(`${name}: not one "mellama: <file>: no space left on the device (ENOSPC)" line: ${JSON.stringify(stderr)}`);
            } else if (lines[0]!.includes(".tmp-")) {
                failures.push(`${name}: names a temporary: ${lines[0]}`);
            } else if (/\n\s+at |\(node:|\.ts:\d+:\d+\)/.test(stderr)) {
                failures.push(`${name}: a stack trace: ${stderr}`);
            }
        });
        assert.deepEqual(failures, []);
        const after = snapshot(full, (rel) => rel === ".filler");
        for (const [file, stamp] of before) {
            assert.equal(after.get(file), stamp, `[${free} bytes free] ${file} changed`);
        }
        // New files: only the response cache, whose SQLite transactions leave it consistent.
        const added = [...after.keys()].filter((f) => !before.has(f) && !/^runs\/\.cache\/responses\.sqlite(-wal|-shm)?$/.test(f));
        assert.deepEqual(added, [], `[${free} bytes free] files left behind (partial outputs or temporaries)`);
        for (const { final } of rows.filter((r) => r.final !== "packed")) {
            const left = readdirSync(full, { recursive: true }).map(String).filter((p) => p === final || p.startsWith(`${final}/`))
                .filter((p) => !statSync(join(full, p)).isDirectory() && !p.startsWith("runs/.cache/"));
            assert.deepEqual(left, [], `[${free} bytes free] ${final}: nothing is left under the final name`);
        }
        assert.deepEqual(readdirSync(full, { recursive: true }).map(String).filter((p) => /\.tmp-/.test(p)), [], "no temporary left");
        rmSync(join(full, ".filler"));
    }
    assert.equal(readFileSync(join(full, "keep.txt"), "utf8"), "precious\n");
    const inputsAfter = snapshot(dir, (rel) => rel.startsWith("cwd"));
    for (const [file, stamp] of inputsBefore) {
        assert.equal(inputsAfter.get(file), stamp, `input ${file} changed`);
    }
});

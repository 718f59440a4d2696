/**
 * PHI canary: unique identifiers planted in every kind of input (CSV notes, jsonl records, corpus sources and a
 * corrupt intermediate documents shard, instruction sources, stdin, a URL's password) while the commands run their
 * error paths. The canary must appear in no stderr, log, stats, run name, cache or report: anywhere but the
 * inputs themselves and the outputs meant to hold the data.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { mellamaArgv } from "../helpers/runCli.js";

const CANARY = "ZQCANARY4417";
const dir = mkdtempSync(join(tmpdir(), "mellama-canary-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const at = (p: string): string => join(dir, p);
const inputs = at("inputs");
mkdirSync(inputs);
const tokenizer = fileURLToPath(new URL("../fixtures/tokenizer/words.model", import.meta.url));

function run(args: string[], input?: string): { status: number | null; stderr: string; stdout: string } {
    return spawnSync(process.execPath, [...mellamaArgv, ...args], { cwd: dir, encoding: "utf8", input, env: { ...process.env, MELLAMA_QUIET: "1", OPENAI_API_KEY: "" } });
}

/** Every file under `root` whose name or content holds the canary (inputs excluded). */
function leaks(root: string): string[] {
    const found: string[] = [];
    const walk = (p: string): void => {
        for (const name of readdirSync(p)) {
            const full = join(p, name);
            if (full === inputs) {
                continue;
            }
            if (name.includes(CANARY)) {
                found.push(full);
            }
            if (statSync(full).isDirectory()) {
                walk(full);
            } else if (readFileSync(full).includes(CANARY)) {
                found.push(full);
            }
        }
    };
    walk(root);
    return found;
}

const noCanary = (r: { stderr: string }, what: string): void => {
    assert.ok(!r.stderr.includes(CANARY), `${what}: the canary reached stderr: ${r.stderr}`);
};

test("eval: malformed MTSample records holding the canary are skipped or fatal by line, and never reach stderr, run, cache or report", () => {
    const csv = join(inputs, "mtsamples.csv");
    writeFileSync(csv, "note_id,description,medical_specialty,sample_name,transcription,keywords\n"
        + "1,d, Urology,s,\"the patient voids well\",k\n"
        + `2,d,Surgery,s,a "stray ${CANARY}" quote,k\n`
        + `3,d,${CANARY}-specialty,s,"note of ${CANARY}",k\n`
        + `4,d,Surgery,s,"unterminated ${CANARY},k\n`);
    const skip = run(["eval", "--model", "constant:Urology", "--tasks", "mtsample", "--task-path", `mtsample=${csv}`, "--output", at("runs")]);
    assert.equal(skip.status, 0, skip.stderr);
    noCanary(skip, "eval --on-error skip");
    assert.match(skip.stderr, /skipped 3 malformed record\(s\), first at .*mtsamples\.csv:3/);
    const fail = run(["eval", "--model", "constant:Urology", "--tasks", "mtsample", "--task-path", `mtsample=${csv}`, "--output", at("runs"), "--on-error", "fail"]);
    assert.equal(fail.status, 2);
    assert.match(fail.stderr, /^mellama: mtsamples\.csv: line 3: malformed CSV record \(INVALID_OPENING_QUOTE\)\n$/);
    const creds = run(["eval", "--model", `openai:http://user:${CANARY}@127.0.0.1:9`, "--tasks", "mtsample", "--task-path", `mtsample=${csv}`, "--output", at("runs")]);
    assert.equal(creds.status, 2);
    noCanary(creds, "eval with a password in the URL");
    assert.deepEqual(leaks(dir), []);
});

test("instruct build and sft: malformed records holding the canary are named by file and line only", () => {
    const csv = join(inputs, "mimic.csv");
    writeFileSync(csv, `findings,impression\n"clear lungs","normal"\n"${CANARY} effusion" x,"bad"\n"small ${CANARY},x\n`);
    writeFileSync(at("instruct.yaml"), `output: ${at("instruct")}\nsources:\n  - { name: MIMIC_SUM, path: ${csv}, format: csv }\ndecontaminate: { tasks: [] }\n`);
    const skip = run(["instruct", "build", "--config", at("instruct.yaml")]);
    assert.equal(skip.status, 0, skip.stderr);
    noCanary(skip, "instruct build");
    assert.match(skip.stderr, /skipped .*mimic\.csv:3: malformed CSV record/);
    const fail = run(["instruct", "build", "--config", at("instruct.yaml"), "--on-error", "fail"]);
    assert.equal(fail.status, 2);
    noCanary(fail, "instruct build --on-error fail");
    assert.match(fail.stderr, /^mellama: .*mimic\.csv: line 3: malformed CSV record/);
    const train = join(inputs, "train.jsonl");
    writeFileSync(train, `{"instruction": "a", "output": "b"}\n{"instruction": "${CANARY} note", "output": \n`);
    writeFileSync(at("sft.yaml"), `output: ${at("sft")}\nbase: ${at("nomodel")}\ndata: { train: ${train} }\n`);
    const sft = run(["sft", "--config", at("sft.yaml")]);
    assert.notEqual(sft.status, 0);
    noCanary(sft, "sft");
    // Only the instruction file itself may hold the one good record; nothing holds the canary.
    assert.deepEqual(leaks(dir), []);
});

test("corpus: bad source records and a corrupt documents shard holding the canary never reach stderr, stats or file names", () => {
    const src = join(inputs, "abstracts.jsonl");
    const good = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `a${i}`, text: `aspirin was given daily for the chest pain of the patient ${i} in clinic weeks follow up` }));
    writeFileSync(src, `${[...good, `{"id": "x", "text": "${CANARY}`, `not json ${CANARY}`].join("\n")}\n`);
    const config = at("corpus.json");
    writeFileSync(config, JSON.stringify({ output: at("corpus"), tokenizer, seqLen: 16, validationFraction: 0.1,
        sources: [{ name: "abstracts", domain: "biomedical", format: "jsonl", path: src, quality: false }], mix: { biomedical: 1, clinical: 0, general: 0 } }));
    const built = run(["corpus", "build", config, "--shard", "0/1"]);
    assert.equal(built.status, 0, built.stderr);
    noCanary(built, "corpus build");
    // A documents shard that now holds a note which is not a record (a disk error, a hand edit).
    const shard = at("corpus/docs/shard-0-of-1.jsonl");
    writeFileSync(shard, readFileSync(shard, "utf8").replace(/\n/, `\nnote: ${CANARY} was seen in clinic\n`));
    const merged = run(["corpus", "merge", config, "--shards", "1"]);
    assert.equal(merged.status, 2);
    noCanary(merged, "corpus merge of a corrupt shard");
    assert.match(merged.stderr, /^mellama: .*shard-0-of-1\.jsonl: line 2: is not a document record/);
    // The corrupted shard is the planted input here; everything else the build wrote must be clean.
    rmSync(shard);
    assert.deepEqual(leaks(dir), []);
});

test("tokenizer decode: a stdin line that is not ids is named by number, not quoted", () => {
    const r = run(["tokenizer", "decode", "--tokenizer", tokenizer], `[1, 2]\n${CANARY} said hello\n`);
    assert.equal(r.status, 2);
    noCanary(r, "tokenizer decode");
    assert.match(r.stderr, /^mellama: stdin line 2: is not a JSON array of ids\n$/);
});

/**
 * `mellama serve` through the real CLI: it prints its address, serves, logs requests without their text, stops on
 * SIGTERM; a non-loopback bind without a key and a missing chat template file are one-line errors.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { test } from "node:test";
import { mellamaArgv, runCli } from "../helpers/runCli.js";
import { tinyServeModel } from "./tinyServeModel.js";

test("mellama serve: address on stdout, answers, access log without text, SIGTERM ends it", { timeout: 60_000 }, async (t) => {
    const dir = tinyServeModel();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const child = spawn(process.execPath, [...mellamaArgv, "serve", "--model", `med=${dir}`, "--port", "0", "--threads", "1"], { stdio: ["ignore", "pipe", "pipe"] });
    t.after(() => { child.kill("SIGKILL"); });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
    const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (c: Buffer) => {
            stdout += c.toString();
            const m = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*web page:.*\n/.exec(stdout);
            if (m !== null) {
                resolve(m[1]!);
            }
        });
        child.on("exit", () => reject(new Error(`exited: ${stderr}`)));
    });
    assert.match(stdout, /model "med": context 256, chat template from tokenizer_config\.json/);
    const r = await fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "med", messages: [{ role: "user", content: "secret clinical note" }], max_tokens: 5, temperature: 0 }) });
    assert.equal(r.status, 200);
    const text = ((await r.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.match(stderr, /POST \/v1\/chat\/completions 200 \d+ms/);
    assert.ok(!stderr.includes("secret clinical note") && (text.trim() === "" || !stderr.includes(text.trim())), "no request or answer text in the log");
});

test("mellama serve: refuses another address without a key, and a missing template file", () => {
    const dir = tinyServeModel({ chatTemplate: false });
    try {
        const open = runCli(["serve", "--model", dir, "--host", "0.0.0.0", "--port", "0"], { MELLAMA_API_KEY: "" });
        assert.equal(open.status, 2);
        assert.match(open.stderr, /^mellama: --host: binding to 0\.0\.0\.0 .*--api-key KEY \(or MELLAMA_API_KEY\)/);
        const template = runCli(["serve", "--model", dir, "--chat-template", "/nonexistent/t.jinja", "--port", "0"]);
        assert.equal(template.status, 2);
        assert.match(template.stderr, /^mellama: --chat-template: \/nonexistent\/t\.jinja: no such file/);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

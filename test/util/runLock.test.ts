/** One process per run directory; a lock left by a killed process is taken over. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { RUN_LOCK_FILE, RunLock, RunLockedError } from "../../src/util/runLock.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-lock-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a held lock refuses a second holder, naming the owner; released, it is free again", () => {
    const lock = RunLock.acquire(dir, "pretrain");
    // A live process of this host (pid 1) holding the lock refuses the directory too.
    assert.throws(() => RunLock.acquire(dir, "sft"), (e: unknown) => e instanceof RunLockedError && e.exitCode === 2 && /`mellama pretrain` \(pid \d+ on /.test(e.message));
    lock.release();
    assert.equal(existsSync(join(dir, RUN_LOCK_FILE)), false);
    writeFileSync(join(dir, RUN_LOCK_FILE), JSON.stringify({ pid: 1, host: hostname(), command: "eval" }));
    assert.throws(() => RunLock.acquire(dir, "sft"), /`mellama eval` \(pid 1/);
    rmSync(join(dir, RUN_LOCK_FILE));
});

test("a stale lock (dead pid, or torn) is taken over; another host's is refused", () => {
    const dead = Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
    writeFileSync(join(dir, RUN_LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), command: "pretrain" }));
    RunLock.acquire(dir, "pretrain").release();
    writeFileSync(join(dir, RUN_LOCK_FILE), "{\"pid\": 12");
    RunLock.acquire(dir, "pretrain").release();
    writeFileSync(join(dir, RUN_LOCK_FILE), JSON.stringify({ pid: dead, host: "elsewhere", command: "sft" }));
    assert.throws(() => RunLock.acquire(dir, "pretrain"), /pid \d+ on elsewhere/);
});

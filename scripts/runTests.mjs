// Runs every test file under test/ (or the folders/files given) with node's test runner via tsx.
// Node 20's --test does not expand globs itself, so the file list is built here.
// A test that hangs fails after 10 minutes instead of holding the run.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function collect(path, out) {
    if (statSync(path).isDirectory()) {
        for (const name of readdirSync(path).sort()) {
            collect(join(path, name), out);
        }
    } else if (path.endsWith(".test.ts")) {
        out.push(path);
    }
    return out;
}

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["test"];
const files = roots.flatMap((root) => collect(root, []));
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=600000", ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);

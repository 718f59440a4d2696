// Builds the native kernel addon (src/kernels/native) with node-gyp during `npm ci`.
// A failed build is not fatal: mellama warns once at run time and uses the reference kernels.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

if (process.env.MELLAMA_SKIP_NATIVE === "1") {
    console.log("mellama: MELLAMA_SKIP_NATIVE=1, native kernels not built");
    process.exit(0);
}
if (!existsSync("binding.gyp")) {
    process.exit(0);
}
// `configure build` rather than `rebuild`: rebuild starts with `clean`, which deletes all of build/ (tsc's
// declarations included) and recompiles from scratch on every re-run. Two jobs: the machines are small and shared.
// node-gyp is run by path with this Node (no npx, no shell: the same on Windows): the devDependency when it is
// installed, else the copy npm bundles and names in npm_config_node_gyp for lifecycle scripts.
function nodeGypPath() {
    try {
        return createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js");
    } catch {
        return process.env.npm_config_node_gyp;
    }
}
// Headers: npm passes its nodedir setting as npm_config_nodedir; without it, a Node installed with its headers
// (a distribution package: <prefix>/include/node) is used as is rather than downloading them.
function nodeDirArgs() {
    if (process.env.npm_config_nodedir !== undefined && process.env.npm_config_nodedir !== "") {
        return [];
    }
    const prefix = join(dirname(process.execPath), "..");
    return existsSync(join(prefix, "include", "node", "node_api.h")) ? [`--nodedir=${prefix}`] : [];
}
const nodeGyp = nodeGypPath();
const result = nodeGyp === undefined
    ? { status: 1 }
    : spawnSync(process.execPath, [nodeGyp, "configure", "build", "--jobs=2", ...nodeDirArgs()], { stdio: "inherit", shell: false });
if (result.status !== 0) {
    console.warn("mellama: the native kernel addon did not build; mellama will run on the reference kernels (slow).");
}
process.exit(0);

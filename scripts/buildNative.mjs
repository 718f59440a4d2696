// Builds the native kernel addon (src/kernels/native) with node-gyp during `npm ci`.
// A failed build is not fatal: mellama warns once at run time and uses the reference kernels.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (process.env.MELLAMA_SKIP_NATIVE === "1") {
    console.log("mellama: MELLAMA_SKIP_NATIVE=1, native kernels not built");
    process.exit(0);
}
if (!existsSync("binding.gyp")) {
    process.exit(0);
}
// `configure build` rather than `rebuild`: rebuild starts with `clean`, which deletes all of build/ (tsc's
// declarations included) and recompiles from scratch on every re-run. Two jobs: the machines are small and shared.
const result = spawnSync("npx", ["--no-install", "node-gyp", "configure", "build", "--jobs=2"], { stdio: "inherit", shell: false });
if (result.status !== 0) {
    console.warn("mellama: the native kernel addon did not build; mellama will run on the reference kernels (slow).");
}
process.exit(0);

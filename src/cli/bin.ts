#!/usr/bin/env node
/**
 * The `mellama` executable: package.json's `bin` names its compiled form, dist/cli/bin.js. Tests run this
 * source file through tsx instead (test/helpers/runCli.ts), so a stale dist/ can neither pass nor fail them.
 */
import { main } from "./main.js";

await main(process.argv);

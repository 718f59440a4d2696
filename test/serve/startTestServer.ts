/** An in-process `serve()` on a random loopback port over tiny models, closed after the test file. */
import { rmSync } from "node:fs";
import { after } from "node:test";
import { type RunningServer, serve, type ServeOptions } from "../../src/serve/serve.js";
import { tinyServeModel, type TinyModelOptions } from "./tinyServeModel.js";

export async function startTestServer(models: Record<string, TinyModelOptions> = { tiny: {} },
    options: Partial<ServeOptions> = {}): Promise<RunningServer & { dirs: Record<string, string> }> {
    const dirs = Object.fromEntries(Object.entries(models).map(([name, o]) => [name, tinyServeModel(o)]));
    const server = await serve({ port: 0, kernels: "auto", threads: 1, ...options, models: Object.entries(dirs).map(([name, path]) => ({ name, path })) });
    after(async () => {
        await server.close();
        for (const dir of Object.values(dirs)) {
            rmSync(dir, { recursive: true, force: true });
        }
    });
    return { ...server, dirs };
}

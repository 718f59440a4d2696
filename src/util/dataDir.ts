/** Where the benchmark data lives: MELLAMA_DATA, else ../shared/data relative to the working directory. */
import { resolve } from "node:path";

export function dataDir(): string {
    return resolve(process.env.MELLAMA_DATA ?? "../shared/data");
}

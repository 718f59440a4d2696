/**
 * What GET /metrics reports, in Prometheus' text exposition format (version 0.0.4): requests by route and status,
 * prompt and generated tokens by model, sequences decoding or queued by model, and histograms of time to first
 * token, inter-token latency and request duration. Labels carry route, status and model names only.
 */

/** Histogram bucket bounds in seconds: 1 ms to 60 s, roughly ×2.5 apart. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Histogram {
    public readonly counts = new Array<number>(BUCKETS.length).fill(0);
    public sum = 0;
    public count = 0;

    public observe(seconds: number): void {
        this.sum += seconds;
        this.count++;
        const i = BUCKETS.findIndex((b) => seconds <= b);
        if (i >= 0) {
            this.counts[i]!++;
        }
    }
}

const HELP: Record<string, [type: "counter" | "gauge" | "histogram", help: string]> = {
    mellama_requests_total: ["counter", "HTTP requests answered, by route and status"],
    mellama_prompt_tokens_total: ["counter", "Prompt tokens processed, by model"],
    mellama_generated_tokens_total: ["counter", "Tokens generated, by model"],
    mellama_queue_depth: ["gauge", "Sequences decoding or waiting, by model"],
    mellama_decode_steps_total: ["counter", "Batched decode steps, by base model (its adapters decode in the same steps)"],
    mellama_decode_rows_total: ["counter", "Sequences decoded by those steps (rows / steps is the mean batch size), by base model"],
    mellama_time_to_first_token_seconds: ["histogram", "Time from a request's arrival to its first generated text"],
    mellama_inter_token_latency_seconds: ["histogram", "Time between successive streamed pieces of one sequence"],
    mellama_request_duration_seconds: ["histogram", "Time from a generation request's arrival to its last byte"],
};

export class ServeMetrics {
    private readonly counters = new Map<string, Map<string, number>>();
    private readonly histograms = new Map<string, Map<string, Histogram>>();

    public count(name: string, labels: Record<string, string | number>, by = 1): void {
        const key = labelText(labels);
        const series = this.counters.get(name) ?? new Map<string, number>();
        series.set(key, (series.get(key) ?? 0) + by);
        this.counters.set(name, series);
    }

    public observe(name: string, labels: Record<string, string>, seconds: number): void {
        this.histogram(name, labels).observe(seconds);
    }

    /** One series of a histogram, to observe into directly on a per-token path. */
    public histogram(name: string, labels: Record<string, string>): Histogram {
        const key = labelText(labels);
        const series = this.histograms.get(name) ?? new Map<string, Histogram>();
        const h = series.get(key) ?? new Histogram();
        series.set(key, h);
        this.histograms.set(name, series);
        return h;
    }

    /** The exposition text; `gauges` are series read at scrape time (queue depth, the batchers' step counts). */
    public render(gauges: Record<string, Record<string, number>>): string {
        const lines: string[] = [];
        const head = (name: string): void => {
            const [type, help] = HELP[name] ?? ["untyped", name];
            lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
        };
        for (const name of ["mellama_requests_total", "mellama_prompt_tokens_total", "mellama_generated_tokens_total"]) {
            head(name);
            for (const [labels, value] of this.counters.get(name) ?? []) {
                lines.push(`${name}${labels} ${value}`);
            }
        }
        for (const [name, series] of Object.entries(gauges)) {
            head(name);
            for (const [label, value] of Object.entries(series)) {
                lines.push(`${name}${labelText({ model: label })} ${value}`);
            }
        }
        for (const name of ["mellama_time_to_first_token_seconds", "mellama_inter_token_latency_seconds", "mellama_request_duration_seconds"]) {
            head(name);
            for (const [labels, h] of this.histograms.get(name) ?? []) {
                const inner = labels === "" ? "" : `${labels.slice(1, -1)},`;
                let cumulative = 0;
                BUCKETS.forEach((b, i) => {
                    cumulative += h.counts[i]!;
                    lines.push(`${name}_bucket{${inner}le="${b}"} ${cumulative}`);
                });
                lines.push(`${name}_bucket{${inner}le="+Inf"} ${h.count}`, `${name}_sum${labels} ${h.sum}`, `${name}_count${labels} ${h.count}`);
            }
        }
        return `${lines.join("\n")}\n`;
    }
}

function labelText(labels: Record<string, string | number>): string {
    const parts = Object.entries(labels).map(([k, v]) => `${k}="${String(v).replace(/\\/g, "\\\\").replace(/"/g, "\\\"").replace(/\n/g, "\\n")}"`);
    return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/**
 * What `mellama demo` and `mellama sft` print last: each model's path, the `mellama merge` command that makes a
 * LoRA adapter a ready-to-use (merged) model (or serves it unmerged over its base), and the commands to chat with
 * and serve them.
 */
export function readyToUse(models: readonly { model: string; path: string; base?: string }[], out: string): string {
    const lines = ["ready to use:"];
    const servable: string[] = [];
    for (const m of models) {
        if (m.base === undefined) {
            lines.push(`  ${m.model}: ${m.path}`);
            servable.push(`--model ${m.model}=${m.path}`);
        } else {
            const merged = `${out.replace(/\/+$/, "")}/${m.model}-merged`;
            lines.push(`  ${m.model}: LoRA adapter ${m.path}`, `    merge it: mellama merge --base ${m.base} --adapter ${m.path} --out ${merged}`,
                `    or use it unmerged: mellama serve --model ${m.base} --adapter ${m.model}=${m.path}   (mellama generate --model ${m.base} --adapter ${m.path} ...)`);
            servable.push(`--model ${m.model}=${merged}`);
        }
    }
    const first = servable[servable.length - 1]!.replace(/^--model [^=]+=/, "");
    lines.push(`  chat in the terminal: mellama chat --model ${first}   (one prompt: mellama generate --model ${first} --prompt "...")`,
        `  serve: mellama serve ${servable.join(" ")}`,
        "    then open http://127.0.0.1:8080/ (web chat, evaluation runs with --runs DIR) or point an OpenAI client at http://127.0.0.1:8080/v1",
        "    (chat needs a chat template in the model's tokenizer_config.json, or --chat-template FILE; /v1/completions works without)");
    return `${lines.join("\n")}\n`;
}

/** OpenAI's `usage` object: each prompt counted once (not once per choice), every generated token counted. */
export function usageOf(promptLengths: readonly number[],
    completionLengths: readonly number[]): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
    const prompt = promptLengths.reduce((a, b) => a + b, 0);
    const completion = completionLengths.reduce((a, b) => a + b, 0);
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

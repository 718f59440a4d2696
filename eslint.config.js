// One lint style for the whole package: typescript-eslint's recommended rules plus strict type imports,
// braces on every block, and `.js` suffixes on relative imports (ESM under nodenext needs them).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "build/**", "bench/results/**", "reference/**", "test/fixtures/**", "docs/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        linterOptions: { reportUnusedDisableDirectives: "error" },
        languageOptions: {
            globals: {
                process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly",
                setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly",
                setImmediate: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", AbortController: "readonly",
                AbortSignal: "readonly", fetch: "readonly", Response: "readonly", Request: "readonly", Headers: "readonly",
                performance: "readonly", queueMicrotask: "readonly", structuredClone: "readonly",
            },
        },
        rules: {
            "@typescript-eslint/no-explicit-any": "error",
            "@typescript-eslint/consistent-type-imports": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "curly": ["error", "all"],
            "eqeqeq": ["error", "always"],
            "no-constant-condition": ["error", { checkLoops: false }],
        },
    },
    // The import direction (DESIGN.md): kernels and formats know nothing of the engine's users; model never
    // reaches up into training, evaluation, serving or the CLI; evaluation and serving never import training.
    ...[
        { files: ["src/kernels/**/*.ts", "src/formats/**/*.ts"], banned: ["train", "eval", "serve", "cli", "recipe", "corpus"] },
        { files: ["src/model/**/*.ts"], banned: ["train", "eval", "serve", "cli", "recipe", "corpus"] },
        { files: ["src/eval/**/*.ts", "src/serve/**/*.ts"], banned: ["train", "cli", "recipe"] },
    ].map(({ files, banned }) => ({
        files,
        rules: {
            "no-restricted-imports": ["error", { patterns: banned.map((dir) => ({ group: [`**/${dir}/**`], message: `this layer must not import src/${dir} (DESIGN.md import direction)` })) }],
        },
    })),
);

// One lint style for the whole package: typescript-eslint's recommended rules plus strict type imports,
// braces on every block, `.js` suffixes on relative imports (ESM under nodenext needs them) and lines of at most
// 160 characters (STYLE.md; strings, template literals, URLs and regular expressions may run longer).
import stylistic from "@stylistic/eslint-plugin";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "build/**", "dist/**", "bench/results/**", "reference/**", "test/fixtures/**", "docs/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        plugins: { "@stylistic": stylistic },
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
            // Formatting, enforced like the rest. max-len has no automatic fix (wrap by hand); the others are fixed
            // by `eslint --fix`.
            "@stylistic/max-len": ["error", {
                code: 160, tabWidth: 4, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true,
                ignoreRegExpLiterals: true,
            }],
            "@stylistic/quotes": ["error", "double", { avoidEscape: true, allowTemplateLiterals: "always" }],
            "@stylistic/semi": ["error", "always"],
            "@stylistic/comma-dangle": ["error", "always-multiline"],
            "@stylistic/brace-style": ["error", "1tbs", { allowSingleLine: true }],
            "@stylistic/eol-last": "error",
            "@stylistic/no-trailing-spaces": "error",
            "@stylistic/arrow-parens": ["error", "always"],
            "@stylistic/keyword-spacing": "error",
            "@stylistic/space-infix-ops": "error",
            "@stylistic/comma-spacing": "error",
            "@stylistic/no-multiple-empty-lines": ["error", { max: 1 }],
            "@stylistic/member-delimiter-style": "error",
            "@stylistic/type-annotation-spacing": "error",
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

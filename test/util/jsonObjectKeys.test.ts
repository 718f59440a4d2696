import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonObjectKeys } from "../../src/util/jsonObjectKeys.js";

test("top-level keys in file order, integer-like keys included (JavaScript would sort them)", () => {
    const text = `{"30": {"a": [1, {"b": "x,y"}]}, "4": "q\\"uo{te", "z\\u00e9": null, "12": [{"k": 1}]}`;
    assert.deepEqual(Object.keys(JSON.parse(text) as object), ["4", "12", "30", "zé"]);
    assert.deepEqual(jsonObjectKeys(text), ["30", "4", "zé", "12"]);
    assert.deepEqual(jsonObjectKeys("{}"), []);
    assert.deepEqual(jsonObjectKeys(" {\n \"b\" : 1 ,\n \"a\" : 2 }\n"), ["b", "a"]);
});

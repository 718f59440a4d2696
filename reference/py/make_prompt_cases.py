"""Oracle prompts: Me-LLaMA's own templates, filled by Python's str.format exactly as preprocess_instruct.py does.

Usage (from the repository root; needs a checkout of BIDS-Xu-Lab/Me-LLaMA at 08c893f2):
    /usr/bin/python3 reference/py/make_prompt_cases.py <path to Me-LLaMA>/src/preprocess_instruct.py
The module is parsed with `ast` (not imported: it needs datasets/transformers), each class's `prompt` literal is
taken verbatim and filled with fixed fields, including the MedQA/MedMCQA question and option rendering of the
classes' fetch_data. Writes test/fixtures/eval/tasks/prompt_cases.json.
"""
import ast
import json
import re
import sys

source = open(sys.argv[1]).read()
templates = {}
for node in ast.parse(source).body:
    if isinstance(node, ast.ClassDef):
        for item in node.body:
            if isinstance(item, ast.Assign) and any(getattr(t, "id", None) == "prompt" for t in item.targets):
                templates[node.name] = ast.literal_eval(item.value)


def question(q):
    return q if q.endswith("?") or q.endswith(".") else q + "?"


def emrqa_fields(context, question_text):
    """EmrQA.fetch_data: the context and question cut from its source query by its regexes, then str.strip()."""
    query = f"Context: {context}\nQuestion: {question_text}\nAnswer:"
    text = re.search(r"Context:(.*?)\nQuestion:", query, re.DOTALL).group(1).strip()
    asked = re.search(r"Question:(.*?)\nAnswer:", query, re.DOTALL).group(1).strip()
    return {"text": text, "question": asked}


# Surrounding whitespace of Python's set (NEL, the \x1c-\x1f separators, an em space) that JavaScript's trim() differs on.
PADDED_CONTEXT = " \n\x85 Pt admitted with chest pain.\nTroponin negative.\u2003\n"
PADDED_QUESTION = "\x1c\tWhat was the troponin? \r"


cases = [
    ("pubmedqa", "PubmedQA", {"context": "First context.\nSecond context.", "text": "Does X help?"},
     {"contexts": ["First context.", "Second context."], "question": "Does X help?"}),
    ("medqa", "MedQA", {"text": question("Which drug is first line"), "options": "A. one\nB. two\nC. three\nD. four"},
     {"question": "Which drug is first line", "options": [["A", "one"], ["B", "two"], ["C", "three"], ["D", "four"]]}),
    ("medmcqa", "MedMCQA", {"text": question("Concentration of tropicamide:"), "options": "A. 0.01\nB. 0.02\nC. 0.03\nD. 0.04"},
     {"question": "Concentration of tropicamide:", "options": [["A", "0.01"], ["B", "0.02"], ["C", "0.03"], ["D", "0.04"]]}),
    ("emrqa", "EmrQA", {"text": "Note text.", "question": "Why?"}, {"context": "Note text.", "question": "Why?"}),
    ("emrqa", "EmrQA", emrqa_fields(PADDED_CONTEXT, PADDED_QUESTION), {"context": PADDED_CONTEXT, "question": PADDED_QUESTION}),
    ("ddi2013", "DDI2013", {"text": "@DRUG$ raises @DRUG$ levels."}, {"sentence": "@DRUG$ raises @DRUG$ levels."}),
    ("hoc", "HoC", {"text": "An abstract."}, {"text": "An abstract."}),
    ("mtsample", "MTSample", {"text": "A transcription."}, {"text": "A transcription."}),
    ("pubmedsum", "PubmedSumm", {"text": "An article."}, {"text": "An article."}),
    ("mimicsum", "MIMIC_SUM", {"text": "Lungs are clear."}, {"findings": "Lungs are clear."}),
    ("mednli", "MedNLI", {"text": "[PRE] A. [HYP] B."}, {"premise": "A.", "hypothesis": "B."}),
]
out = [{"task": task, "sourceClass": cls, "fields": ts_fields, "prompt": templates[cls].format(**py_fields)}
       for task, cls, py_fields, ts_fields in cases]
with open("test/fixtures/eval/tasks/prompt_cases.json", "w") as f:
    json.dump({"generator": "reference/py/make_prompt_cases.py", "source": "BIDS-Xu-Lab/Me-LLaMA@08c893f27bcd879aa65f17bb9643697a574ca2aa src/preprocess_instruct.py", "cases": out}, f, indent=1)
print("wrote", len(out), "prompt cases")

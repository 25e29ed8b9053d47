#!/usr/bin/env python3
"""Generates tests/fixtures/datasets/extraction_goldens.json: what the reference answer
post-processors give on fixed model outputs, for datasets/answer_extraction.cpp to match.

Each extractor's golden comes from (transcribed below from the named source; the commits
are the ones read when this was written):

  first_line     OpenCompass NQEvaluator.score (opencompass/datasets/natural_question.py):
                 prediction.strip().split('\\n')[0], then .strip() (the later
                 general_postprocess strips too); None when empty.
  option_letter  OpenCompass first_option_postprocess(text, options, cushion=True)
                 (opencompass/utils/text_postprocessors.py, commit a5acc4bb), verbatim,
                 options = the first n_options capital letters; '' becomes None.
  last_number    lm-evaluation-harness gsm8k "flexible-extract" (lm_eval/tasks/gsm8k/gsm8k.yaml,
                 RegexFilter in lm_eval/filters/extraction.py, commit 4e7e0d47): findall of
                 (-?[$0-9.,]{2,})|(-?[0-9]+), group_select -1, first non-empty group, strip();
                 then the exact_match metric's regexes_to_ignore [",", "\\$", "(?s).*#### ",
                 "\\.$"] (lm_eval/api/metrics.py exact_match_hf_evaluate). "[invalid]" -> None.
  gsm8k_strict   the same, "strict-match": #### (\\-?[0-9\\.\\,]+), group_select 0.
  the_answer_is  Sextant's own rule (lm-eval's gsm8k-cot strict regex "The answer is
                 (\\-?[0-9\\.\\,]+)." takes the first, case-sensitive occurrence, and on a
                 number at the very end of the text captures all but its last digit):
                 see the_answer_is() below.
  code_block     OpenCompass humaneval_postprocess_v2 (opencompass/datasets/humaneval.py):
                 the first ```\\w*\\n(.*?)``` block, lstrip()ped; with no complete block,
                 Sextant's rule for an answer cut off inside its fence (the text after the
                 first fence if it has a language tag or only whitespace before it,
                 lstrip()ped); otherwise lm-eval humaneval's stop sequences (humaneval.yaml
                 "until") and humaneval_instruct's cut at "```" (build_predictions_instruct).
                 None when empty or only whitespace.

Python 3.11.7, no packages. Run from the repository root:
python3 scripts/gen/extraction_goldens.py"""
import json
import re
import string
import sys

OUT = "tests/fixtures/datasets/extraction_goldens.json"


# --- OpenCompass, opencompass/utils/text_postprocessors.py (verbatim, including the
# --- missing comma that joins the '故选' and '只有...是对' patterns). ---

def first_option_postprocess(text: str, options: str, cushion=True) -> str:
    """Find first valid option for text."""

    # yapf: disable
    # flake8: noqa: W605
    patterns = [
        f'答案是?\s*([{options}])',
        f'答案是?\s*：\s*([{options}])',
        f'答案是?\s*:\s*([{options}])',
        f'答案选项应?该?是\s*([{options}])',
        f'答案选项应?该?为\s*([{options}])',
        f'答案应该?是\s*([{options}])',
        f'答案应该?选\s*([{options}])',
        f'答案选项为?\s*：\s*([{options}])',
        f'答案选项为?\s+\(?\*?\*?([{options}])\*?\*?\)?',
        f'答案选项是?\s*:\s*([{options}])',
        f'答案为\s*([{options}])',
        f'答案选\s*([{options}])',
        f'选择?\s*([{options}])',
        f'故选?\s*([{options}])'
        f'只有选?项?\s?([{options}])\s?是?对',
        f'只有选?项?\s?([{options}])\s?是?错',
        f'只有选?项?\s?([{options}])\s?不?正确',
        f'只有选?项?\s?([{options}])\s?错误',
        f'说法不?对选?项?的?是\s?([{options}])',
        f'说法不?正确选?项?的?是\s?([{options}])',
        f'说法错误选?项?的?是\s?([{options}])',
        f'([{options}])\s?是正确的',
        f'([{options}])\s?是正确答案',
        f'选项\s?([{options}])\s?正确',
        f'所以答\s?([{options}])',
        f'所以\s?([{options}][.。$]?$)',
        f'所有\s?([{options}][.。$]?$)',
        f'[\s，：:,]([{options}])[。，,\.]?$',
        f'[\s，,：:][故即]([{options}])[。\.]?$',
        f'[\s，,：:]因此([{options}])[。\.]?$',
        f'[是为。]\s?([{options}])[。\.]?$',
        f'因此\s?([{options}])[。\.]?$',
        f'显然\s?([{options}])[。\.]?$',
        f'答案是\s?(\S+)(?:。|$)',
        f'答案应该是\s?(\S+)(?:。|$)',
        f'答案为\s?(\S+)(?:。|$)',
        f'(?i)ANSWER\s*:\s*([{options}])',
        f'[Tt]he answer is:?\s+\(?([{options}])\)?',
        f'[Tt]he answer is:?\s+\(?\*?\*?([{options}])\*?\*?\)?',
        f'[Tt]he answer is option:?\s+\(?([{options}])\)?',
        f'[Tt]he correct answer is:?\s+\(?([{options}])\)?',
        f'[Tt]he correct answer is option:?\s+\(?([{options}])\)?',
        f'[Tt]he correct answer is:?.*?boxed{{([{options}])}}',
        f'[Tt]he correct option is:?.*?boxed{{([{options}])}}',
        f'[Tt]he correct answer option is:?.*?boxed{{([{options}])}}',
        f'[Tt]he answer to the question is:?\s+\(?([{options}])\)?',
        f'^选项\s?([{options}])',
        f'^([{options}])\s?选?项',
        f'(\s|^)[{options}][\s。，,：:\.$]',
        f'1.\s?(.*?)$',
        f'1.\s?([{options}])[.。$]?$',
    ]
    cushion_patterns = [
        f'([{options}]):',
        f'([{options}])',
    ]
    # flake8: noqa
    # yapf: enable

    if cushion:
        patterns.extend(cushion_patterns)
    for pattern in patterns:
        text = text.strip()
        match = re.search(pattern, text, re.DOTALL)
        if match:
            if match.group(1) is not None and match.group(1) != '':
                outputs = match.group(1)
            else:
                outputs = match.group(0)
            for i in options:
                if i in outputs:
                    return i
    return ''


# --- lm-evaluation-harness: RegexFilter.apply for one response, and exact_match's
# --- regexes_to_ignore (gsm8k.yaml). ---

def regex_filter(resp, regex_pattern, group_select=0, fallback="[invalid]"):
    match = re.compile(regex_pattern).findall(resp)
    if match:
        match = match[group_select]
        if isinstance(match, tuple):
            match = [m for m in match if m]
            if match:
                match = match[0]
            else:
                match = fallback
        match = match.strip()
    else:
        match = fallback
    return match


GSM8K_REGEXES_TO_IGNORE = [",", "\\$", "(?s).*#### ", "\\.$"]


def lm_eval_number(resp, pattern, group_select):
    value = regex_filter(resp, pattern, group_select)
    if value == "[invalid]":
        return None
    for s in GSM8K_REGEXES_TO_IGNORE:
        value = re.sub(s, "", value)
    return value


# --- OpenCompass NQEvaluator's first line. ---

def first_line(text):
    line = text.strip().split('\n')[0].strip()
    return line or None


# --- Sextant's "the answer is" rule, written independently of the C++. ---

def the_answer_is(text):
    # ASCII case-insensitive on purpose: (?i) in Python would also let 'ſ' match 's'.
    found = list(re.finditer(r"[Tt][Hh][Ee] [Aa][Nn][Ss][Ww][Ee][Rr] [Ii][Ss]", text))
    if not found:
        return None
    tail = text[found[-1].end():]
    end = re.search(r"\n|[.!?](?=\s|\Z)", tail)
    segment = tail[:end.start()] if end else tail
    segment = segment.strip()
    if segment.startswith(":"):
        segment = segment[1:].strip()
    if segment.endswith("."):
        segment = segment[:-1]
    if not segment:
        return None
    number = re.search(r"-?\$?[0-9.,]*[0-9]", segment)
    if number:
        return number.group(0).replace(",", "").replace("$", "")
    return segment


# --- HumanEval code. ---

def humaneval_postprocess_v2(text: str) -> str:  # OpenCompass, verbatim
    blocks = re.findall(r'```\w*\n(.*?)```', text, re.DOTALL)
    if len(blocks) >= 1:
        text = blocks[0]
    return text.lstrip()


LM_EVAL_HUMANEVAL_UNTIL = ["\nclass", "\ndef", "\n#", "\nif", "\nprint"]


def code_block(text):
    if re.search(r'```\w*\n(.*?)```', text, re.DOTALL):
        code = humaneval_postprocess_v2(text)
    elif (opener := re.search(r'```(\w*)\n', text)) and (opener.group(1) or not text[:opener.start()].strip()):
        code = text[opener.end():].lstrip()
    else:
        code = text
        for term in LM_EVAL_HUMANEVAL_UNTIL:  # lm-eval's HF model applies "until" this way
            code = code.split(term)[0]
        code = code[:code.find("```")] if code.find("```") != -1 else code
    return code if code.strip() else None


# --- Model outputs: (text, n_options). ---

OUTPUTS = [
    ("The answer is (B).", 4),
    ("B. Paris is the capital of France.", 4),
    ("(C)", 4),
    ("D", 4),
    ("A cat sat on the mat, so the answer is C.", 4),
    ("A cat sat on the mat.", 4),
    ("Answer: (C)", 4),
    ("Answer: C", 4),
    ("ANSWER : b", 4),
    ("AN\u017fWER: B", 4),
    ("**Answer:** B", 4),
    ("The answer is **C**", 4),
    ("I think it's between A and D, but the correct answer is D.", 4),
    ("The correct answer is $\\boxed{B}$", 4),
    ("None of the options is right.", 4),
    ("Option D is the right one.", 4),
    ("answer is c", 4),
    ("Let me think step by step.\nFirst, option A is wrong because the sun is a star.\n"
     "Option B is also wrong.\nTherefore, the answer is D.", 4),
    ("A. 4\nB. 5\nC. 6\nD. 7\nAnswer:", 4),
    ("1. B", 4),
    ("There are 12 apples and 3 oranges.", 4),
    ("B", 2),
    ("C", 2),
    ("E. none of the above", 5),
    ("The answer is E", 4),
    ("Ａ", 4),
    ("答案是C", 4),
    ("答案：B", 4),
    ("因此，正确答案是 A。", 4),
    ("选项B正确", 4),
    ("北京是中国的首都。\n答案是B", 4),
    ("根据题意，答案应该是DA。", 4),
    ("Janet has 16 - 3 - 4 = 9 eggs. She sells them for $2 each, so she makes 9 * 2 = $18.\n#### 18", 4),
    ("The total is $1,234.50.", 4),
    ("The temperature dropped to -5 degrees, then rose by 3.", 4),
    ("Let me think... so the result is 42...", 4),
    ("#### -7", 4),
    ("He had 2,000 coins.\n#### 1,000", 4),
    ("#### 72\n#### 73", 4),
    ("##### 5", 4),
    ("#### $42", 4),
    ("The answer is 18. Wait, let me re-check: The answer is 20.", 4),
    ("the answer is twelve", 4),
    ("THE ANSWER IS: Paris.", 4),
    ("The answer is (B), because B is larger.", 4),
    ("So the answer is 3.14159", 4),
    ("The answer is 5.5.\nDone.", 4),
    ("The answer is $1,234.50.", 4),
    ("The answer is \u22125 degrees.", 4),
    ("The answer is 1/2.", 4),
    ("He paid $0.50 for 2 pencils, so 1 pencil costs $.25", 4),
    ("Die Antwort ist 3,5 Meter.", 4),
    ("$5 + $10 = $15", 4),
    ("", 4),
    ("   \n\n  ", 4),
    ("\n\nParis\nIt is the capital.", 4),
    ("  Mount Everest  \r\nThe tallest mountain", 4),
    ("\u3000東京\u3000\nです", 4),
    ("    return sorted(set(l))\n\n\ndef main():\n    print(unique([1]))\n", 4),
    ("Here is the code:\n```python\ndef add(a, b):\n    return a + b\n```\nThis adds two numbers.", 4),
    ("```\n    return x * 2\n```", 4),
    ("```python\ndef f(x):\n    return x\n", 4),
    ("    for i in range(n):\n        total += i\n    return total\n\nif __name__ == '__main__':\n    print(f(3))", 4),
    ("    return a + b\n# test\nprint(add(1, 2))", 4),
    ("    return x\n```\n\nThis function returns x.", 4),
    ("````python\nx = 1\n```", 4),
    ("```\ndef g():\n    return 1", 4),
    ("Ans: D\n\ufffd\u00e9\U0001F600 done", 4),
]


def main():
    rows = []
    for text, n_options in OUTPUTS:
        options = string.ascii_uppercase[:n_options]
        rows.append({
            "output": text,
            "n_options": n_options,
            "expected": {
                "first_line": first_line(text),
                "option_letter": first_option_postprocess(text, options) or None,
                "last_number": lm_eval_number(text, r"(-?[$0-9.,]{2,})|(-?[0-9]+)", -1),
                "gsm8k_strict": lm_eval_number(text, r"#### (\-?[0-9\.\,]+)", 0),
                "the_answer_is": the_answer_is(text),
                "code_block": code_block(text),
            },
        })
    out = {
        "generated_by": "scripts/gen/extraction_goldens.py",
        "python": sys.version.split()[0],
        "references": {
            "first_line": "OpenCompass NQEvaluator: text.strip().split('\\n')[0].strip()",
            "option_letter": "OpenCompass first_option_postprocess(text, options, cushion=True) @ a5acc4bb",
            "last_number": "lm-eval gsm8k flexible-extract + exact_match regexes_to_ignore @ 4e7e0d47",
            "gsm8k_strict": "lm-eval gsm8k strict-match + exact_match regexes_to_ignore @ 4e7e0d47",
            "the_answer_is": "Sextant's rule, transcribed in Python (see the script)",
            "code_block": "OpenCompass humaneval_postprocess_v2; else lm-eval humaneval stop sequences",
        },
        "rows": rows,
    }
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    print(f"{len(rows)} outputs", file=sys.stderr)


if __name__ == "__main__":
    main()

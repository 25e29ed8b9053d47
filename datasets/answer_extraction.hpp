// Post-processors that turn a model's raw generation into the answer a task scores.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sextant::datasets {

// The answer that the named extractor finds in a generation, or nullopt when there is none
// (the sample then scores as wrong). Each follows a reference, checked by the goldens of
// scripts/gen/extraction_goldens.py:
//   first_line     the first non-blank line, stripped (OpenCompass's NQ evaluator).
//   option_letter  the option among the first n_options letters, as OpenCompass's
//                  first_option_postprocess finds it (datasets/option_letter.hpp).
//   last_number    lm-eval gsm8k "flexible-extract": the last match of
//                  (-?[$0-9.,]{2,})|(-?[0-9]+), then its exact_match cleaning: ',' and '$'
//                  removed, one trailing '.' removed. So "42..." gives "42.." as upstream.
//   gsm8k_strict   lm-eval gsm8k "strict-match": the number after the first "#### ", cleaned
//                  the same way; also the reference number of a GSM8K answer field.
//   the_answer_is  the text after the last "the answer is" (ASCII case-insensitive) up to
//                  the end of its line or sentence (. ! ? before whitespace or the end),
//                  stripped of spaces and one leading ':' and one trailing '.'; if that holds
//                  a number (-?$?[0-9.,]*[0-9]), the first one, without ',' and '$'.
//   code_block     for HumanEval: the first ```lang fenced block (OpenCompass's
//                  humaneval_postprocess_v2, which also strips its leading whitespace); an
//                  opening fence never closed (a tag, or nothing before it) gives what follows
//                  it; with no fence, the text up to lm-eval humaneval's stop sequences
//                  ("\nclass", "\ndef", "\n#", "\nif", "\nprint") or a closing "```".
// Bytes are read as UTF-8 (invalid sequences become U+FFFD, as Python's "replace"), and
// "whitespace" is Python's str.isspace(). An unknown extractor is a UsageError.
std::optional<std::string> extract_answer(const std::string& extractor, const std::string& output, int n_options = 4);

// The extractor names extract_answer() knows, in a fixed order.
const std::vector<std::string>& answer_extractor_names();

// Whether two answers are the same decimal number once ',' and '$' are dropped and spaces
// trimmed: "18", "18.0", "$18", "018." are equal; "1,234.50" equals "1234.5". Either side not
// a plain decimal number (optional sign, digits, at most one '.') gives false.
bool numbers_equal(const std::string& a, const std::string& b);

}  // namespace sextant::datasets

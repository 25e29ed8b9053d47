// Text normalisation shared by the metrics: Python's split/rstrip/lower and SQuAD's answer normalisation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sextant::metrics {

// str.split() with no argument: the runs of non-whitespace (Unicode whitespace, as Python
// defines it), so "a\u00a0b" is two words, as the references see it.
std::vector<std::string> split_whitespace(std::string_view text);
std::vector<std::u32string> split_whitespace(std::u32string_view text);

// str.rstrip() with no argument.
std::string strip_trailing_whitespace(std::string_view text);

// str.lower() (full Unicode lowercase mapping, with the final-sigma rule).
std::string lowercase(std::string_view text);

// The answer normalisation of the official SQuAD v1.1 evaluation script, which lm-eval
// also uses: lowercase, drop ASCII punctuation (string.punctuation), drop the words
// "a", "an" and "the" (words in the sense of the regex \b on Unicode text), and collapse
// whitespace to single spaces with none at either end.
std::string normalize_answer(std::string_view text);

}  // namespace sextant::metrics

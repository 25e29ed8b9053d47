// The option letter a model's answer names, as OpenCompass's first_option_postprocess finds it.
#pragma once

#include <optional>
#include <string_view>

namespace sextant::datasets {

// The letter among the first n_options capitals (1..26; 'A'..) that OpenCompass's
// first_option_postprocess(text, options, cushion=True) returns, or nullopt where it
// returns ''. Its ordered patterns ("答案是C", "The answer is (B)", "Answer: D", "B." at the
// start, ...) are tried on the stripped text, each at its leftmost match, and a hit gives
// the first option in A..Z order that occurs in the captured text. The last "cushion"
// pattern takes any capital option letter, so "Answer: (C)" gives A (from "Answer") and
// "The answer is 5.5.\nDone." gives D, as in OpenCompass. n_options outside 1..26 is an
// Error. Bytes are decoded as UTF-8 with Python's "replace" handling.
std::optional<char> first_option_letter(std::string_view output, int n_options);

}  // namespace sextant::datasets

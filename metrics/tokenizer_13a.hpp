// The "13a" tokenizer of sacrebleu (mteval-v13a.pl's), which BLEU applies by default.
#pragma once

#include <string>
#include <string_view>

namespace sextant::metrics {

// Tokenizes one segment as sacrebleu's Tokenizer13a does and returns the tokens joined by
// single spaces: drop "<skipped>", join "-\n" line breaks, turn newlines into spaces,
// unescape &quot; &amp; &lt; &gt;, split off ASCII symbols, split off periods and commas
// that are not between digits, split a dash that follows a digit, collapse whitespace.
std::string tokenize_13a(std::string_view line);

}  // namespace sextant::metrics

// UTF-8 decoding and encoding for the metrics, with Python's "replace" error handling.
#pragma once

#include <string>
#include <string_view>

namespace sextant::metrics {

// Decodes UTF-8 into code points as Python's bytes.decode("utf-8", "replace") does: each
// maximal ill-formed subsequence becomes one U+FFFD. Model output can end mid-character,
// so the metrics accept any bytes and score them as the Python references would after
// decoding them the same way.
std::u32string decode_utf8(std::string_view text);

// Encodes code points as UTF-8; surrogates and values above U+10FFFF become U+FFFD.
std::string encode_utf8(std::u32string_view text);
void append_utf8(std::string& out, char32_t c);

}  // namespace sextant::metrics

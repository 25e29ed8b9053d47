// GPT-2's reversible mapping of bytes to printable code points, used by byte-level BPE vocabularies.
#pragma once

#include <string>
#include <string_view>

namespace sextant::runtime {

// Each byte of `bytes` as its mapped code point, in UTF-8 (space -> "Ġ", newline -> "Ċ").
std::string byte_level_encode(std::string_view bytes);
// The inverse; a code point outside the mapping is kept as its UTF-8.
std::string byte_level_decode(std::string_view mapped);

}  // namespace sextant::runtime

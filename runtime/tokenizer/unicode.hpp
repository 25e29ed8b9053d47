// UTF-8 decoding and the Unicode character classes that pre-tokenizer rules test.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sextant::runtime {

enum UnicodeClass : std::uint8_t {
  kLetter = 1,
  kNumber = 2,
  kWhitespace = 4,
  kAssigned = 8,
  kMark = 16,
  kPunctuation = 32,
  kSymbol = 64,
};

struct UnicodeRange {
  std::uint32_t first;
  std::uint8_t flags;
};

// The generated table (unicode_tables.cpp): runs of code points sharing their flags, sorted.
extern const UnicodeRange kUnicodeRanges[];
extern const int kUnicodeRangeCount;

// Class flags of a code point (0 for unassigned ones and for out-of-range values).
std::uint8_t unicode_flags(std::uint32_t cp);

// Decodes UTF-8; an invalid byte becomes its own code point (its value), as lenient
// tokenizers do, so that every input tokenizes and round-trips.
std::vector<std::uint32_t> utf8_to_codepoints(std::string_view text);
void append_utf8(std::string& out, std::uint32_t cp);
// The text with each byte that does not start a valid UTF-8 sequence replaced by U+FFFD,
// as llama.cpp's tokenizer treats such bytes.
std::string replace_invalid_utf8(std::string_view text);
// Length in bytes of the UTF-8 sequence starting with this byte (1 for invalid bytes).
int utf8_sequence_length(unsigned char first);

}  // namespace sextant::runtime

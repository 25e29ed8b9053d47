// The words of a text as the data filters count them: whitespace-separated, with each CJK character a word.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace sextant::trainer {

// Python's str.isspace(): the Unicode White_Space characters and U+001C..U+001F, so that a
// text splits into the words str.split() gives (what the Gopher reference filters see).
bool is_space(char32_t c);

// Characters of scripts written without spaces between words: Han ideographs (with
// radicals and compatibility forms), kana, bopomofo, and the CJK and fullwidth punctuation
// that sits between them. Hangul is not among them: Korean puts spaces between words.
bool is_cjk(char32_t c);

// Python's str.isalpha(): general category L*.
bool is_alpha(char32_t c);

// Punctuation (P*), symbols (S*) and control characters: what a "symbol word" is made of.
bool is_symbol(char32_t c);

struct Word {
  std::uint32_t begin = 0;   // index of the first code point
  std::uint32_t length = 0;  // in code points
  bool after_space = false;  // whitespace separates it from the previous word
};

// Gopher's rules assume that spaces separate words; Chinese and Japanese put none. A word
// here is a maximal run of non-space characters, except that each CJK character (is_cjk)
// is a word by itself: "我们用Linux系统" is 我, 们, 用, Linux, 系, 统. On text without CJK
// characters the words are exactly Python's str.split(). Counting a CJK character as a word
// is a lower bound on the number of words (a Chinese word is 1.5 characters on average) and
// keeps the n-gram repetition rules meaningful (they see character n-grams).
std::vector<Word> split_words(std::u32string_view text);

}  // namespace sextant::trainer

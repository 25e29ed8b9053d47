// A trained byte-level BPE (tokens, merges, pre-tokenizer) and its Hugging Face tokenizer.json form.
#pragma once

#include <string>
#include <vector>

#include "runtime/tokenizer/pre_tokenizer.hpp"
#include "runtime/tokenizer/tokenizer.hpp"

namespace sextant::trainer {

struct BpeMerge {
  runtime::TokenId left, right;  // the pair, by id
  runtime::TokenId result;       // the token the pair becomes
};

// Ids [0, special_count) are the special tokens, in the order the options gave them; then the
// 256 single bytes, ordered by their mapped code point (as Hugging Face's BpeTrainer orders
// its alphabet); then one token per merge, in merge order (a merge whose text is already a
// token reuses that id, so there may be fewer tokens than merges + bytes + specials).
struct BpeVocabulary {
  runtime::PreTokenizerKind pre_tokenizer = runtime::PreTokenizerKind::SmolLm;
  int special_count = 0;
  // Each token as tokenizer.json spells it: special tokens as their text, the others as
  // their bytes through GPT-2's byte-to-code-point map (runtime::byte_level_encode).
  std::vector<std::string> tokens;
  std::vector<BpeMerge> merges;  // in rank order

  int size() const { return static_cast<int>(tokens.size()); }

  // The tokenizer.json text: a BPE model with the vocabulary and merges, the special tokens
  // as added tokens ("special": true), and the pre-tokenizer in the shape
  // runtime::Tokenizer::from_tokenizer_json maps back to the same rules.
  std::string to_tokenizer_json() const;
  // Writes to_tokenizer_json() to `path` through a temporary file and a rename.
  void save_tokenizer_json(const std::string& path) const;
};

}  // namespace sextant::trainer

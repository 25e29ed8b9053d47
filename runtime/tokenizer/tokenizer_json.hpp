// What a byte-level BPE tokenizer.json says that a Tokenizer keeps to itself: pre-tokenizer rules, merges.
#pragma once

#include <string>
#include <vector>

#include "runtime/tokenizer/pre_tokenizer.hpp"

namespace sextant::runtime {

// What a model file other than tokenizer.json (a GGUF export) must restate for the same
// tokenization: the rule set the pre-tokenizer maps to, whether words in the vocabulary skip
// BPE, and the merges in rank order.
struct ByteLevelBpeRules {
  PreTokenizerKind pre_tokenizer = PreTokenizerKind::Gpt2;
  bool ignore_merges = false;
  std::vector<std::string> merges;  // "left right", rank order
};

// Reads them from a tokenizer.json; throws sextant::Error naming the file and field, exactly
// where Tokenizer::from_tokenizer_json would.
ByteLevelBpeRules read_byte_level_bpe_rules(const std::string& path);

}  // namespace sextant::runtime

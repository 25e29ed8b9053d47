// Training a byte-level BPE vocabulary from documents, merge for merge as Hugging Face's BpeTrainer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/tokenizer/pre_tokenizer.hpp"
#include "trainer/tokenizer/bpe_vocabulary.hpp"

namespace sextant::trainer {

struct BpeTrainerOptions {
  // Special tokens, byte tokens and merged tokens together.
  int vocab_size = 8192;
  // A pair seen fewer times than this (counting each word as often as it occurs) is never
  // merged; training stops at the first such pair.
  std::int64_t min_frequency = 0;
  // Get ids 0, 1, ... in this order; never merged with anything; written in a document,
  // they split it (as the runtime's encoder splits them out before BPE; Hugging Face's
  // trainer would count their text as words).
  std::vector<std::string> special_tokens;
  // SmolLM's rules by default: GPT-2's split with every digit a word of its own, so numbers
  // spend no vocabulary and are read digit by digit (arithmetic), and the file looks as
  // SmolLM2's does (a Sequence of Digits and ByteLevel), which Hugging Face and the runtime
  // both load.
  runtime::PreTokenizerKind pre_tokenizer = runtime::PreTokenizerKind::SmolLm;
};

// Documents go in one at a time (only the counts of their words are kept), then train()
// merges, each time, the adjacent pair of tokens with the highest count over all words.
//
// Ties go to the pair whose left token has the lower id, then whose right token has the
// lower id: the rule of Hugging Face's BpeTrainer, which orders its heap by
// (count, reversed pair). With the same ids (specials, then the bytes by mapped code point,
// then merges in order) the merges are identical to its own, up to one difference: when a
// merge makes a token whose text already exists (e.g. "ab"+"c" after "a"+"bc"), Hugging Face
// keeps the words where the new pairs around that token appeared apart from those where they
// already were and may merge the same pair twice, at two counts; here it is one merge at the
// total count. scripts/gen/bpe_trainer_goldens.py finds the first such merge, and the tests
// compare up to it.
class BpeTrainer {
 public:
  // Throws sextant::Error naming the option when the options cannot make a vocabulary.
  explicit BpeTrainer(BpeTrainerOptions options);

  // Counts the words of one document: the text is split at special tokens, invalid UTF-8
  // bytes become U+FFFD and the pieces are pre-tokenized, all as runtime::Tokenizer::encode
  // does before BPE, so that training sees the words that encoding will.
  void add_document(std::string_view text);

  std::int64_t document_count() const { return documents_; }
  std::int64_t byte_count() const { return bytes_; }
  std::size_t distinct_words() const { return word_counts_.size(); }

  // The vocabulary: options.vocab_size tokens, or fewer when no pair is left to merge (or
  // none occurs min_frequency times).
  BpeVocabulary train() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  void count_words(std::string_view text);

  BpeTrainerOptions options_;
  std::vector<std::string> specials_longest_first_;
  std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>> word_counts_;
  std::int64_t documents_ = 0;
  std::int64_t bytes_ = 0;
};

}  // namespace sextant::trainer

// A model's tokenizer: vocabulary, special tokens, and text <-> token id conversion.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/tokenizer/pre_tokenizer.hpp"

namespace sextant::runtime {

class GgufFile;

using TokenId = std::int32_t;

enum class TokenizerModel {
  ByteLevelBpe,    // GPT-2 style: bytes mapped to printable code points, ranked merges
  SentencePieceBpe,  // llama style: scored pieces, U+2581 for spaces, <0xNN> byte fallback
};

// Token kinds as GGUF stores them (tokenizer.ggml.token_type).
enum class TokenKind : std::int32_t { Undefined = 0, Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };

class Tokenizer {
 public:
  // Reads tokenizer.ggml.* from a GGUF file; throws naming the file and key on bad metadata.
  static Tokenizer from_gguf(const GgufFile& file);
  // Reads a Hugging Face tokenizer.json (byte-level BPE), taking BOS, EOS and add_bos from
  // tokenizer_config.json beside it, else from config.json there; throws naming the file
  // and field on shapes it does not support.
  static Tokenizer from_tokenizer_json(const std::string& path);

  // Text to ids. parse_special: control tokens written in the text (e.g. "<|im_end|>")
  // become their ids; user-defined tokens always do.
  std::vector<TokenId> encode(std::string_view text, bool add_bos, bool parse_special) const;
  // Ids to the exact bytes they stand for; control tokens are rendered as their text when
  // render_special, else dropped.
  std::string decode(const std::vector<TokenId>& ids, bool render_special = true) const;
  std::string token_bytes(TokenId id, bool render_special = true) const;

  int vocab_size() const { return static_cast<int>(tokens_.size()); }
  TokenId bos() const { return bos_; }
  TokenId eos() const { return eos_; }
  // Ids that end a generation (eos, eot, im_end, ...).
  const std::vector<TokenId>& stop_ids() const { return stop_ids_; }
  bool adds_bos() const { return add_bos_; }
  const std::string& token_text(TokenId id) const { return tokens_.at(static_cast<std::size_t>(id)); }
  TokenKind token_kind(TokenId id) const { return kinds_.at(static_cast<std::size_t>(id)); }
  // The id of a token by its exact vocabulary text, or -1.
  TokenId find(const std::string& text) const;

 private:
  void encode_byte_level_word(std::string_view word, std::vector<TokenId>& out) const;
  void encode_sentencepiece(std::string_view text, std::vector<TokenId>& out) const;
  void build_indexes();
  // stop_ids_: eos, then `extra` (ids < 0 skipped), then the well-known end-of-turn tokens.
  void add_stop_ids(const std::vector<TokenId>& extra);

  TokenizerModel model_ = TokenizerModel::ByteLevelBpe;
  PreTokenizerKind pre_ = PreTokenizerKind::Gpt2;
  bool ignore_merges_ = false;  // llama3: a word already in the vocabulary skips BPE
  bool add_bos_ = false;
  bool add_space_prefix_ = false;
  TokenId bos_ = -1, eos_ = -1, unk_ = -1;
  std::vector<TokenId> stop_ids_;
  std::vector<std::string> tokens_;
  std::vector<TokenKind> kinds_;
  std::vector<float> scores_;
  std::unordered_map<std::string, TokenId> token_index_;
  std::unordered_map<std::string, int> merge_ranks_;  // "left right" -> rank
  std::vector<TokenId> specials_;  // control and user-defined tokens, longest text first
  TokenId byte_tokens_[256] = {};  // sentencepiece <0xNN> ids
};

}  // namespace sextant::runtime

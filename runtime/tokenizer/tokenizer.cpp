// Tokenizer loading, special-token partitioning and decoding; the merge algorithms are in
// byte_level_bpe.cpp and sentencepiece_bpe.cpp.
#include "runtime/tokenizer/tokenizer.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "runtime/formats/gguf_reader.hpp"
#include "runtime/tokenizer/byte_level_map.hpp"
#include "runtime/tokenizer/unicode.hpp"

namespace sextant::runtime {

Tokenizer Tokenizer::from_gguf(const GgufFile& file) {
  Tokenizer t;
  const std::string model = file.get_string("tokenizer.ggml.model");
  t.tokens_ = file.get_string_array("tokenizer.ggml.tokens");
  const std::size_t n = t.tokens_.size();
  if (n == 0) fail("{}: tokenizer.ggml.tokens is empty", file.path());
  if (file.has("tokenizer.ggml.token_type")) {
    auto types = file.get_int_array("tokenizer.ggml.token_type");
    if (types.size() != n) fail("{}: tokenizer.ggml.token_type has {} entries for {} tokens", file.path(), types.size(), n);
    for (auto v : types) t.kinds_.push_back(static_cast<TokenKind>(v));
  } else {
    t.kinds_.assign(n, TokenKind::Normal);
  }
  if (model == "gpt2") {
    t.model_ = TokenizerModel::ByteLevelBpe;
    const auto merges = file.get_string_array("tokenizer.ggml.merges");
    t.merge_ranks_.reserve(merges.size());
    for (std::size_t i = 0; i < merges.size(); ++i) {
      if (merges[i].find(' ', 1) == std::string::npos)
        fail("{}: tokenizer.ggml.merges[{}] \"{}\" has no separating space", file.path(), i, merges[i]);
      t.merge_ranks_.emplace(merges[i], static_cast<int>(i));
    }
    t.pre_ = pre_tokenizer_from_name(file.get_string("tokenizer.ggml.pre", "gpt2"));
    t.ignore_merges_ = t.pre_ == PreTokenizerKind::Llama3;
    t.add_bos_ = t.pre_ == PreTokenizerKind::Llama3;
  } else if (model == "llama") {
    t.model_ = TokenizerModel::SentencePieceBpe;
    auto scores = file.get_float_array("tokenizer.ggml.scores");
    if (scores.size() != n) fail("{}: tokenizer.ggml.scores has {} entries for {} tokens", file.path(), scores.size(), n);
    t.scores_.assign(scores.begin(), scores.end());
    t.add_bos_ = true;
    t.add_space_prefix_ = true;
    t.bos_ = 1;
    t.eos_ = 2;
    t.unk_ = 0;
  } else {
    fail("{}: tokenizer.ggml.model \"{}\" is not supported (gpt2 and llama are)", file.path(), model);
  }
  auto id_key = [&](const char* key, TokenId fallback) {
    const auto v = static_cast<std::int64_t>(file.get_uint(key, static_cast<std::uint64_t>(fallback < 0 ? 0xffffffffu : fallback)));
    if (v == 0xffffffff) return TokenId{-1};
    if (v >= static_cast<std::int64_t>(n)) fail("{}: {} = {} is outside the vocabulary of {}", file.path(), key, v, n);
    return static_cast<TokenId>(v);
  };
  t.bos_ = id_key("tokenizer.ggml.bos_token_id", t.bos_);
  t.eos_ = id_key("tokenizer.ggml.eos_token_id", t.eos_);
  t.unk_ = id_key("tokenizer.ggml.unknown_token_id", t.unk_);
  const TokenId eot = id_key("tokenizer.ggml.eot_token_id", -1);
  t.add_bos_ = file.get_bool("tokenizer.ggml.add_bos_token", t.add_bos_);
  t.add_space_prefix_ = file.get_bool("tokenizer.ggml.add_space_prefix", t.add_space_prefix_);
  t.build_indexes();
  t.add_stop_ids({eot});
  return t;
}

void Tokenizer::add_stop_ids(const std::vector<TokenId>& extra) {
  auto add = [&](TokenId id) {
    if (id >= 0 && std::find(stop_ids_.begin(), stop_ids_.end(), id) == stop_ids_.end()) stop_ids_.push_back(id);
  };
  add(eos_);
  for (TokenId id : extra) add(id);
  for (const char* text : {"<|im_end|>", "<|eot_id|>", "<|endoftext|>", "<|end|>", "<end_of_turn>"}) add(find(text));
}

void Tokenizer::build_indexes() {
  token_index_.reserve(tokens_.size());
  for (std::size_t i = 0; i < tokens_.size(); ++i) token_index_.emplace(tokens_[i], static_cast<TokenId>(i));
  for (std::size_t i = 0; i < tokens_.size(); ++i)
    if (kinds_[i] == TokenKind::Control || kinds_[i] == TokenKind::UserDefined) specials_.push_back(static_cast<TokenId>(i));
  std::stable_sort(specials_.begin(), specials_.end(),
                   [&](TokenId a, TokenId b) { return tokens_[a].size() > tokens_[b].size(); });
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    byte_tokens_[b] = find(name);
  }
}

TokenId Tokenizer::find(const std::string& text) const {
  auto it = token_index_.find(text);
  return it == token_index_.end() ? -1 : it->second;
}

std::vector<TokenId> Tokenizer::encode(std::string_view text, bool add_bos, bool parse_special) const {
  std::vector<TokenId> out;
  if (add_bos && bos_ >= 0) out.push_back(bos_);

  // Partition out special tokens written in the text, longest first, as llama.cpp does.
  struct Fragment {
    std::string_view text;
    TokenId id;  // -1 for raw text
  };
  std::vector<Fragment> fragments{{text, -1}};
  for (TokenId sid : specials_) {
    if (!parse_special && kinds_[sid] == TokenKind::Control) continue;
    const std::string& st = tokens_[sid];
    if (st.empty()) continue;
    std::vector<Fragment> next;
    for (const Fragment& f : fragments) {
      if (f.id >= 0) {
        next.push_back(f);
        continue;
      }
      std::size_t start = 0;
      for (std::size_t hit = f.text.find(st); hit != std::string_view::npos; hit = f.text.find(st, start)) {
        if (hit > start) next.push_back({f.text.substr(start, hit - start), -1});
        next.push_back({{}, sid});
        start = hit + st.size();
      }
      if (start < f.text.size()) next.push_back({f.text.substr(start), -1});
    }
    fragments.swap(next);
  }

  bool first_raw = true;
  for (const Fragment& f : fragments) {
    if (f.id >= 0) {
      out.push_back(f.id);
      continue;
    }
    if (model_ == TokenizerModel::ByteLevelBpe) {
      const std::string clean = replace_invalid_utf8(f.text);
      for (std::string_view word : pre_tokenize(pre_, clean)) encode_byte_level_word(word, out);
    } else {
      std::string piece;
      // The space prefix goes only before the start of the text, as SentencePiece does.
      if (add_space_prefix_ && first_raw && out.size() == (add_bos && bos_ >= 0 ? 1u : 0u)) piece = " ";
      piece.append(f.text);
      encode_sentencepiece(piece, out);
    }
    first_raw = false;
  }
  return out;
}

std::string Tokenizer::token_bytes(TokenId id, bool render_special) const {
  if (id < 0 || id >= vocab_size()) fail("token id {} is outside the vocabulary of {}", id, vocab_size());
  const std::string& text = tokens_[static_cast<std::size_t>(id)];
  const TokenKind kind = kinds_[static_cast<std::size_t>(id)];
  if (kind == TokenKind::Control) return render_special ? text : std::string();
  if (kind == TokenKind::UserDefined) return text;
  if (model_ == TokenizerModel::ByteLevelBpe) return byte_level_decode(text);
  if (kind == TokenKind::Byte && text.size() == 6) return std::string(1, static_cast<char>(std::stoi(text.substr(3, 2), nullptr, 16)));
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "\xe2\x96\x81") == 0) {  // U+2581 stands for a space
      out += ' ';
      i += 3;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string Tokenizer::decode(const std::vector<TokenId>& ids, bool render_special) const {
  std::string out;
  for (TokenId id : ids) out += token_bytes(id, render_special);
  // SentencePiece's space prefix is not part of the text.
  if (model_ == TokenizerModel::SentencePieceBpe && add_space_prefix_ && !out.empty() && out[0] == ' ' &&
      !ids.empty()) {
    std::size_t first = 0;
    while (first < ids.size() && ids[first] == bos_) ++first;
    if (first < ids.size() && kinds_[static_cast<std::size_t>(ids[first])] == TokenKind::Normal) out.erase(0, 1);
  }
  return out;
}

}  // namespace sextant::runtime

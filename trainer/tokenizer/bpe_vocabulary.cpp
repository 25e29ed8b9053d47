// Writing a trained byte-level BPE as a Hugging Face tokenizer.json.
#include "trainer/tokenizer/bpe_vocabulary.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace sextant::trainer {

namespace {

using nlohmann::ordered_json;
using runtime::PreTokenizerKind;

// The Split regexes exactly as runtime/tokenizer/tokenizer_json.cpp recognises them (the
// tests load every kind back, so a drift between the two copies fails there).
constexpr std::string_view kLlama3Pattern =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
constexpr std::string_view kQwen2Pattern =
    R"re((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";

// ByteLevel as GPT-2-family tokenizer.json files write it; use_regex runs GPT-2's own split.
ordered_json byte_level(bool use_regex, bool add_prefix_space, bool trim_offsets) {
  return {{"type", "ByteLevel"},
          {"add_prefix_space", add_prefix_space},
          {"trim_offsets", trim_offsets},
          {"use_regex", use_regex}};
}

ordered_json split(std::string_view pattern) {
  return {
      {"type", "Split"}, {"pattern", {{"Regex", std::string(pattern)}}}, {"behavior", "Isolated"}, {"invert", false}};
}

ordered_json pre_tokenizer_json(PreTokenizerKind kind) {
  switch (kind) {
    case PreTokenizerKind::Gpt2:
      return byte_level(true, false, true);
    case PreTokenizerKind::SmolLm:
      return {{"type", "Sequence"},
              {"pretokenizers", {{{"type", "Digits"}, {"individual_digits", true}}, byte_level(true, false, true)}}};
    case PreTokenizerKind::Llama3:
      return {{"type", "Sequence"}, {"pretokenizers", {split(kLlama3Pattern), byte_level(false, false, true)}}};
    case PreTokenizerKind::Qwen2:
      return {{"type", "Sequence"}, {"pretokenizers", {split(kQwen2Pattern), byte_level(false, false, true)}}};
  }
  fail("pre-tokenizer kind {} has no tokenizer.json form", static_cast<int>(kind));
}

}  // namespace

std::string BpeVocabulary::to_tokenizer_json() const {
  ordered_json added = ordered_json::array();
  for (int id = 0; id < special_count; ++id)
    added.push_back({{"id", id},
                     {"content", tokens[static_cast<std::size_t>(id)]},
                     {"single_word", false},
                     {"lstrip", false},
                     {"rstrip", false},
                     {"normalized", false},
                     {"special", true}});
  // In id order, as Hugging Face writes it. Appended to the underlying list: the tokens are
  // distinct, and ordered_json's own insert searches the whole object each time.
  ordered_json vocab = ordered_json::object();
  auto& entries = vocab.get_ref<ordered_json::object_t&>();
  entries.reserve(tokens.size());
  for (std::size_t id = 0; id < tokens.size(); ++id) entries.emplace_back(tokens[id], id);
  ordered_json merge_list = ordered_json::array();
  for (const BpeMerge& m : merges)
    merge_list.push_back({tokens.at(static_cast<std::size_t>(m.left)), tokens.at(static_cast<std::size_t>(m.right))});

  ordered_json root;
  root["version"] = "1.0";
  root["truncation"] = nullptr;
  root["padding"] = nullptr;
  root["added_tokens"] = std::move(added);
  root["normalizer"] = nullptr;
  root["pre_tokenizer"] = pre_tokenizer_json(pre_tokenizer);
  root["post_processor"] = byte_level(true, true, false);
  root["decoder"] = byte_level(true, true, true);
  root["model"] = {{"type", "BPE"},
                   {"dropout", nullptr},
                   {"unk_token", nullptr},
                   {"continuing_subword_prefix", nullptr},
                   {"end_of_word_suffix", nullptr},
                   {"fuse_unk", false},
                   {"byte_fallback", false},
                   {"ignore_merges", false},
                   {"vocab", std::move(vocab)},
                   {"merges", std::move(merge_list)}};
  return root.dump(2) + "\n";
}

void BpeVocabulary::save_tokenizer_json(const std::string& path) const {
  write_file_atomically(path, to_tokenizer_json());
}

}  // namespace sextant::trainer

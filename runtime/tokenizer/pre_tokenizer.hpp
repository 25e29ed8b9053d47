// Pre-tokenizers: the regex-defined rules that split text into words before BPE.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sextant::runtime {

// The rule sets of the models the runtime loads, named as GGUF's tokenizer.ggml.pre.
enum class PreTokenizerKind {
  Gpt2,    // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
  SmolLm,  // every digit alone (\p{N}), then the GPT-2 rules
  Llama3,  // (?i:'s|...)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
  Qwen2,   // as Llama3 with single digits (\p{N})
};

// Maps a tokenizer.ggml.pre name (or a tokenizer.json pattern family) to its rules;
// throws naming the value when unknown.
PreTokenizerKind pre_tokenizer_from_name(const std::string& name);

// Splits UTF-8 text into words; the words concatenate back to the text exactly.
std::vector<std::string_view> pre_tokenize(PreTokenizerKind kind, std::string_view text);

}  // namespace sextant::runtime

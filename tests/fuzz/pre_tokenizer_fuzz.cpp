// Fuzzes the pre-tokenizers: any bytes split into words that concatenate back to the input.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/tokenizer/pre_tokenizer.hpp"
#include "runtime/tokenizer/unicode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sextant::runtime;
  const std::string text = replace_invalid_utf8(std::string_view(reinterpret_cast<const char*>(data), size));
  for (auto kind : {PreTokenizerKind::Gpt2, PreTokenizerKind::SmolLm, PreTokenizerKind::Llama3, PreTokenizerKind::Qwen2}) {
    std::string joined;
    for (std::string_view w : pre_tokenize(kind, text)) {
      if (w.empty()) std::abort();
      joined.append(w);
    }
    if (joined != text) std::abort();
  }
  return 0;
}

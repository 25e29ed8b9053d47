// The tokenizer against llama.cpp's token ids on the real model's vocabulary, and exact round trips.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "runtime/formats/gguf_reader.hpp"
#include "runtime/tokenizer/pre_tokenizer.hpp"
#include "runtime/tokenizer/tokenizer.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"

using sextant::testing::read_all;

using namespace sextant::runtime;
using sextant::testing::fixture;

namespace {

std::vector<TokenId> read_ids(const std::string& path) {
  std::istringstream in(read_all(path));
  std::vector<TokenId> ids;
  for (TokenId v; in >> v;) ids.push_back(v);
  return ids;
}

}  // namespace

TEST_CASE("pre-tokenizers split text as their regexes do", "[runtime][tokenizer]") {
  auto words = [](PreTokenizerKind k, const char* text) {
    std::vector<std::string> out;
    for (auto w : pre_tokenize(k, text)) out.emplace_back(w);
    return out;
  };
  using V = std::vector<std::string>;
  CHECK(words(PreTokenizerKind::Gpt2, "Hello world's   end 123") == V{"Hello", " world", "'s", "  ", " end", " 123"});
  CHECK(words(PreTokenizerKind::SmolLm, "ab 123") == V{"ab", " ", "1", "2", "3"});
  CHECK(words(PreTokenizerKind::Llama3, "HE'LL pay 12345!\n\n x") == V{"HE", "'LL", " pay", " ", "123", "45", "!\n\n", " x"});
  CHECK(words(PreTokenizerKind::Qwen2, "x 12") == V{"x", " ", "1", "2"});
}

TEST_CASE("byte-level tokenizer gives llama.cpp's ids on multilingual text", "[runtime][tokenizer][model]") {
  SEXTANT_REQUIRE_MODEL(model);
  GgufFile file(model);
  const Tokenizer tok = Tokenizer::from_gguf(file);
  for (const char* name : {"multilingual", "whitespace"}) {
    INFO(name);
    const std::string text = read_all(fixture(std::string("tokenizer/") + name + ".txt"));
    CHECK(tok.encode(text, tok.adds_bos(), true) == read_ids(fixture(std::string("tokenizer/") + name + ".smollm2.ids")));
    CHECK(tok.encode(text, tok.adds_bos(), false) ==
          read_ids(fixture(std::string("tokenizer/") + name + ".smollm2.no-special.ids")));
    CHECK(tok.decode(tok.encode(text, false, true)) == text);
  }
}

TEST_CASE("decoding restores text exactly, and invalid UTF-8 becomes U+FFFD as in llama.cpp", "[runtime][tokenizer][model]") {
  SEXTANT_REQUIRE_MODEL(model);
  GgufFile file(model);
  const Tokenizer tok = Tokenizer::from_gguf(file);
  std::string bytes = "\t\n\r";
  for (int i = 32; i < 127; ++i) bytes += static_cast<char>(i);
  CHECK(tok.decode(tok.encode(bytes, false, false)) == bytes);
  CHECK(tok.decode(tok.encode("a\xff\xc3(b", false, false)) == "a\xef\xbf\xbd\xef\xbf\xbd(b");
  // llama-tokenize's ids: byte 0x04 has no token in this vocabulary and is dropped.
  CHECK(tok.encode("a\x01" "b\x04\x7f\xff", false, false) == std::vector<TokenId>{81, 191, 82, 217, 24211});
  CHECK(tok.encode("", false, false).empty());
  CHECK(tok.stop_ids().size() >= 2);  // <|endoftext|> and <|im_end|>
}

TEST_CASE("sentencepiece tokenizer gives llama.cpp's ids, with byte fallback", "[runtime][tokenizer]") {
  GgufFile file(fixture("tokenizer/spm_tiny.gguf"));
  const Tokenizer tok = Tokenizer::from_gguf(file);
  CHECK(tok.adds_bos());
  for (const char* name : {"multilingual", "whitespace"}) {
    INFO(name);
    const std::string text = read_all(fixture(std::string("tokenizer/") + name + ".txt"));
    const auto ids = tok.encode(text, true, true);
    CHECK(ids == read_ids(fixture(std::string("tokenizer/") + name + ".spm_tiny.ids")));
    CHECK(tok.decode(ids, false) == text);
  }
}

// Tests of the BPE trainer: its tokenizer.json loads in the runtime, round-trips, and matches Hugging Face's merges.
#include "trainer/tokenizer/bpe_trainer.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "runtime/tokenizer/byte_level_map.hpp"
#include "runtime/tokenizer/tokenizer.hpp"
#include "runtime/tokenizer/unicode.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"

namespace {

namespace fs = std::filesystem;
using sextant::runtime::PreTokenizerKind;
using sextant::runtime::TokenId;
using sextant::runtime::Tokenizer;
using sextant::trainer::BpeTrainer;
using sextant::trainer::BpeTrainerOptions;
using sextant::trainer::BpeVocabulary;

const std::vector<std::string> kSpecials = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};

// Python's str.split(sep): the pieces between separators, empty ones included.
std::vector<std::string> split(const std::string& text, const std::string& sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t hit = text.find(sep); hit != std::string::npos; hit = text.find(sep, start)) {
    out.push_back(text.substr(start, hit - start));
    start = hit + sep.size();
  }
  out.push_back(text.substr(start));
  return out;
}

// A few languages, digits, emoji and whitespace runs, varied so that pairs have counts.
std::vector<std::string> inline_documents() {
  const std::vector<std::string> lines = {
      "The quick brown fox jumps over the lazy dog. It's the dog's day, isn't it?",
      "Numbers: 12345 and 2024-05-12, 3.14159, 1st 2nd 3rd; 12345 again.",
      "关关雎鸠，在河之洲。窈窕淑女，君子好逑。参差荇菜，左右流之。",
      "Emoji 🎭🎉 and 👍🏽 — café naïve résumé, Grüße aus Köln.",
      "    indented code\tline\n\n\n  with   runs   of   spaces  \r\n",
      "Привет, мир! Γειά σου κόσμε. مرحبا بالعالم",
  };
  std::vector<std::string> docs;
  for (int i = 0; i < 12; ++i) {
    std::string doc;
    for (std::size_t k = 0; k < lines.size(); ++k)
      doc += lines[(k + static_cast<std::size_t>(i)) % lines.size()] + "\n";
    docs.push_back(doc + "document " + std::to_string(i));
  }
  return docs;
}

BpeVocabulary train(const std::vector<std::string>& docs, BpeTrainerOptions options) {
  BpeTrainer trainer(std::move(options));
  for (const std::string& d : docs) trainer.add_document(d);
  return trainer.train();
}

BpeTrainerOptions options(int vocab_size, PreTokenizerKind kind = PreTokenizerKind::SmolLm) {
  BpeTrainerOptions o;
  o.vocab_size = vocab_size;
  o.special_tokens = kSpecials;
  o.pre_tokenizer = kind;
  return o;
}

// Saves into a folder of its own (the loader reads config files beside tokenizer.json) and
// loads it back with the runtime's loader.
Tokenizer save_and_load(const BpeVocabulary& vocab, const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("sextant_bpe_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "tokenizer.json").string();
  vocab.save_tokenizer_json(path);
  Tokenizer t = Tokenizer::from_tokenizer_json(path);
  fs::remove_all(dir);
  return t;
}

void check_round_trip(const Tokenizer& t, const std::string& text) {
  INFO("text: " << text);
  CHECK(t.decode(t.encode(text, false, true)) == text);
  CHECK(t.decode(t.encode(text, false, false)) == text);
}

const std::vector<std::string> kRoundTripTexts = {
    "Hello, world! It's 2024; we'll see what they've done.",
    "关关雎鸠，在河之洲。未见过的字：龘靐齉。",
    "🎭🎉👍🏽👨‍👩‍👧 emoji, and 🦀 one unseen in training",
    "  two  \t\ttabs\n\n\n   and   runs\r\n  \n",
    " leading space and trailing spaces   ",
    "mixed: 中文 English 123 Ελληνικά ٣٤٥",
    "",
};

// The text of the tokens [0, n) of a run of the goldens.
std::vector<std::string> merge_texts(const BpeVocabulary& v, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n && i < v.merges.size(); ++i)
    out.push_back(v.tokens[static_cast<std::size_t>(v.merges[i].left)] + " " +
                  v.tokens[static_cast<std::size_t>(v.merges[i].right)]);
  return out;
}

// The first `limit` bytes of a file, cut back to the end of a line.
std::string head_lines(const std::string& path, std::size_t limit) {
  std::string text = sextant::testing::read_all(path);
  if (text.size() > limit) text.resize(limit);
  return text.substr(0, text.rfind('\n') + 1);
}

}  // namespace

TEST_CASE("a trained tokenizer.json loads in the runtime with the asked vocabulary size", "[trainer][bpe]") {
  const BpeVocabulary v = train(inline_documents(), options(400));
  REQUIRE(v.size() == 400);
  CHECK(v.merges.size() == 400 - 3 - 256);
  const Tokenizer t = save_and_load(v, "load");
  CHECK(t.vocab_size() == 400);
  for (TokenId id = 0; id < t.vocab_size(); ++id) CHECK(t.token_text(id) == v.tokens[static_cast<std::size_t>(id)]);
}

TEST_CASE("a trained tokenizer round-trips English, Chinese, emoji and whitespace runs", "[trainer][bpe]") {
  const Tokenizer t = save_and_load(train(inline_documents(), options(400)), "round_trip");
  for (const std::string& text : kRoundTripTexts) check_round_trip(t, text);
  for (const std::string& doc : inline_documents()) check_round_trip(t, doc);
  // Merges happened: the training text takes fewer tokens than bytes.
  const std::string doc = inline_documents()[0];
  CHECK(t.encode(doc, false, true).size() * 3 < doc.size() * 2);
}

TEST_CASE(
    "a trained tokenizer has a token for every byte; invalid UTF-8 is read as U+FFFD, as the runtime's encoder does",
    "[trainer][bpe]") {
  const Tokenizer t = save_and_load(train(inline_documents(), options(300)), "bytes");
  for (int b = 0; b < 256; ++b) {
    const std::string byte(1, static_cast<char>(b));
    const TokenId id = t.find(sextant::runtime::byte_level_encode(byte));
    REQUIRE(id >= 3);
    CHECK(t.decode({id}) == byte);
  }
  // The runtime's encoder (like llama.cpp's, and Hugging Face's, which takes only str) replaces
  // each byte that starts no valid UTF-8 sequence before pre-tokenizing, so such bytes come
  // back as U+FFFD; the valid text around them round-trips exactly.
  const std::string invalid = "ok \xff\xfe then \xc3 cut and \xe4\xb8 short, \x80 lone";
  CHECK(t.decode(t.encode(invalid, false, true)) == sextant::runtime::replace_invalid_utf8(invalid));
  CHECK(t.decode(t.encode("a\xff"
                          "b",
                          false, true)) ==
        "a\xef\xbf\xbd"
        "b");
}

TEST_CASE("special tokens of a trained tokenizer encode to their single ids", "[trainer][bpe]") {
  const Tokenizer t = save_and_load(train(inline_documents(), options(350)), "specials");
  for (std::size_t i = 0; i < kSpecials.size(); ++i) {
    INFO(kSpecials[i]);
    CHECK(t.encode(kSpecials[i], false, true) == std::vector<TokenId>{static_cast<TokenId>(i)});
    CHECK(t.token_kind(static_cast<TokenId>(i)) == sextant::runtime::TokenKind::Control);
    // Without special-token parsing the text is ordinary text, several tokens.
    CHECK(t.encode(kSpecials[i], false, false).size() > 1);
  }
  const std::string chat = "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n";
  const std::vector<TokenId> ids = t.encode(chat, false, true);
  CHECK(ids.front() == 1);
  CHECK(std::count(ids.begin(), ids.end(), 2) == 1);
  CHECK(t.decode(ids) == chat);
  CHECK(t.decode(ids, false) == "user\nHi there\nassistant\n");
}

TEST_CASE("special tokens in the training text split it and are never merged into", "[trainer][bpe]") {
  std::vector<std::string> docs;
  for (int i = 0; i < 20; ++i) docs.push_back("<|im_start|>user\nhello<|im_end|><|endoftext|>");
  const BpeVocabulary v = train(docs, options(300));
  for (std::size_t id = 3; id < v.tokens.size(); ++id) {
    INFO(v.tokens[id]);
    CHECK(v.tokens[id].find("<|") == std::string::npos);
    CHECK(v.tokens[id].find("|>") == std::string::npos);
  }
  CHECK(std::find(v.tokens.begin(), v.tokens.end(), "hello") != v.tokens.end());
}

TEST_CASE("bpe training is deterministic and independent of the order of the documents", "[trainer][bpe]") {
  std::vector<std::string> docs = inline_documents();
  const std::string first = train(docs, options(450)).to_tokenizer_json();
  CHECK(train(docs, options(450)).to_tokenizer_json() == first);
  std::reverse(docs.begin(), docs.end());
  CHECK(train(docs, options(450)).to_tokenizer_json() == first);
}

TEST_CASE("bpe ties go to the pair with the lower left id, then the lower right id", "[trainer][bpe]") {
  BpeTrainerOptions o;
  o.vocab_size = 256 + 2;
  o.pre_tokenizer = PreTokenizerKind::Gpt2;
  // Words "dc", " ab", " bc": pairs (d,c), (Ġ,a), (a,b), (Ġ,b), (b,c), each once. Byte ids
  // follow the mapped code points, so a < b < c < d < Ġ (U+0120): (a,b) goes first, then
  // of (d,c), (Ġ,ab), (Ġ,b), (b,c) the one led by b.
  const BpeVocabulary v = train({"dc ab bc"}, o);
  CHECK(merge_texts(v, 2) == std::vector<std::string>{"a b", "b c"});
}

TEST_CASE("min_frequency stops training at the first pair seen fewer times", "[trainer][bpe]") {
  BpeTrainerOptions o = options(5000);
  o.min_frequency = 1000000;
  const BpeVocabulary none = train(inline_documents(), o);
  CHECK(none.merges.empty());
  CHECK(none.size() == 3 + 256);
  o.min_frequency = 12;  // each inline line occurs 12 times
  const BpeVocabulary some = train(inline_documents(), o);
  CHECK(!some.merges.empty());
  CHECK(some.size() < 5000);
  o.min_frequency = 13;
  const BpeVocabulary fewer = train(inline_documents(), o);
  CHECK(fewer.merges.size() < some.merges.size());
}

TEST_CASE("bpe training stops early when no pair is left to merge", "[trainer][bpe]") {
  const BpeVocabulary v = train({"ab ab ab"}, options(1000, PreTokenizerKind::Gpt2));
  // Words "ab" and " ab": merges "a b", "Ġ ab" (or "Ġ a", ...), then nothing is left.
  CHECK(v.size() < 1000);
  CHECK(v.merges.size() == 2);
  const Tokenizer t = save_and_load(v, "early");
  CHECK(t.encode("ab ab", false, true).size() == 2);
}

TEST_CASE("every pre-tokenizer kind is saved in a form the runtime loads with the same rules", "[trainer][bpe]") {
  std::vector<std::string> docs = inline_documents();
  for (int i = 0; i < 30; ++i) docs.push_back("12345\n12345\nx 12345\n");
  // How many tokens "12345" takes under each kind once its digits are learned: GPT-2 keeps
  // digit runs whole, Llama 3 cuts them in threes, SmolLM and Qwen2 into single digits.
  const std::vector<std::pair<PreTokenizerKind, std::size_t>> kinds = {{PreTokenizerKind::Gpt2, 1},
                                                                       {PreTokenizerKind::SmolLm, 5},
                                                                       {PreTokenizerKind::Llama3, 2},
                                                                       {PreTokenizerKind::Qwen2, 5}};
  for (const auto& [kind, digit_tokens] : kinds) {
    INFO("pre-tokenizer " << static_cast<int>(kind));
    const Tokenizer t = save_and_load(train(docs, options(420, kind)), "kind" + std::to_string(static_cast<int>(kind)));
    CHECK(t.encode("12345", false, true).size() == digit_tokens);
    for (const std::string& text : kRoundTripTexts) check_round_trip(t, text);
    // No token crosses a boundary of the declared rules.
    const std::string text = "It's 12345 o'clock;\n\n  他说：“好！” 🎉🎉 ok";
    std::vector<std::size_t> ends;
    std::size_t at = 0;
    for (std::string_view w : sextant::runtime::pre_tokenize(kind, text)) ends.push_back(at += w.size());
    at = 0;
    for (TokenId id : t.encode(text, false, true)) {
      const std::size_t begin = at;
      at += t.token_bytes(id).size();
      for (std::size_t e : ends) CHECK_FALSE((e > begin && e < at));
    }
    CHECK(at == text.size());
  }
}

TEST_CASE("bpe trainer options that cannot make a vocabulary are refused, naming the option", "[trainer][bpe]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(BpeTrainer(options(258)), Contains("vocab_size 258") && Contains("259"));
  BpeTrainerOptions o = options(1000);
  o.special_tokens.push_back("<|im_end|>");
  CHECK_THROWS_WITH(BpeTrainer(o), Contains("special_tokens[3]") && Contains("repeats special_tokens[2]"));
  o.special_tokens = {""};
  CHECK_THROWS_WITH(BpeTrainer(o), Contains("special_tokens[0] is empty"));
  o.special_tokens = {"\xff"};
  CHECK_THROWS_WITH(BpeTrainer(o), Contains("special_tokens[0] is not valid UTF-8"));
  o.special_tokens = {"!"};
  CHECK_THROWS_WITH(BpeTrainer(o), Contains("special_tokens[0] \"!\" is also the text of a byte token"));
  o = options(1000);
  o.min_frequency = -1;
  CHECK_THROWS_WITH(BpeTrainer(o), Contains("min_frequency -1"));
}

TEST_CASE("bpe merges match Hugging Face tokenizers' BpeTrainer on the fixture", "[trainer][bpe]") {
  const std::string fixture =
      sextant::testing::read_all(sextant::testing::fixture("tokenizer/bpe_trainer_fixture.txt"));
  const auto goldens = nlohmann::json::parse(
      sextant::testing::read_all(sextant::testing::fixture("tokenizer/bpe_trainer_goldens.json")));
  REQUIRE(!fixture.empty());
  const std::vector<std::string> docs = split(fixture, "\n\n");
  REQUIRE(goldens["runs"].size() == 3);
  for (const auto& run : goldens["runs"]) {
    INFO("run: " << run["name"].get<std::string>());
    BpeTrainerOptions o;
    o.vocab_size = run["vocab_size"].get<int>();
    o.min_frequency = run["min_frequency"].get<std::int64_t>();
    o.special_tokens = run["special_tokens"].get<std::vector<std::string>>();
    o.pre_tokenizer = sextant::runtime::pre_tokenizer_from_name(run["pre_tokenizer"].get<std::string>());
    const BpeVocabulary v = train(docs, o);

    const auto hf_tokens = run["tokens"].get<std::vector<std::string>>();
    const auto hf_merges = run["merges"].get<std::vector<std::vector<std::string>>>();
    const auto comparable = run["comparable_merges"].get<std::size_t>();
    const auto comparable_tokens = run["comparable_tokens"].get<std::size_t>();
    std::vector<std::string> expected;
    for (std::size_t i = 0; i < comparable; ++i) expected.push_back(hf_merges[i][0] + " " + hf_merges[i][1]);
    CHECK(merge_texts(v, comparable) == expected);
    REQUIRE(v.tokens.size() >= comparable_tokens);
    CHECK(
        std::vector<std::string>(v.tokens.begin(), v.tokens.begin() + static_cast<std::ptrdiff_t>(comparable_tokens)) ==
        std::vector<std::string>(hf_tokens.begin(),
                                 hf_tokens.begin() + static_cast<std::ptrdiff_t>(comparable_tokens)));
    if (comparable == hf_merges.size()) {  // nothing where the two may part: the same end too
      CHECK(v.merges.size() == hf_merges.size());
      CHECK(v.tokens == hf_tokens);
    }
  }
}

TEST_CASE("a tokenizer trained on Shakespeare and Chinese poetry round-trips unseen text of both",
          "[trainer][bpe][data]") {
  SEXTANT_REQUIRE_CORPORA(corpora);
  const std::string en = head_lines(corpora + "/pretrain_en/tinyshakespeare.txt", 24000);
  const std::string zh = head_lines(corpora + "/pretrain_zh/chinese_poetry_flat.txt", 24000);
  // Training on the first 20 KB of each, testing on the 4 KB after.
  const std::size_t en_cut = en.rfind('\n', 20000) + 1, zh_cut = zh.rfind('\n', 20000) + 1;
  std::vector<std::string> docs = split(en.substr(0, en_cut), "\n\n");
  for (const std::string& d : split(zh.substr(0, zh_cut), "\n\n")) docs.push_back(d);
  const BpeVocabulary v = train(docs, options(1024));
  const Tokenizer t = save_and_load(v, "corpora");
  CHECK(t.vocab_size() == 1024);
  for (const std::string& unseen : {en.substr(en_cut), zh.substr(zh_cut)}) {
    check_round_trip(t, unseen);
    // Fewer tokens than bytes by a margin: the merges generalise to text not trained on.
    CHECK(t.encode(unseen, false, true).size() * 2 < unseen.size());
  }
  for (const std::string& text : kRoundTripTexts) check_round_trip(t, text);
  CHECK(t.encode("<|endoftext|>", false, true) == std::vector<TokenId>{0});
}

TEST_CASE("bpe training on 5 MB of English and Chinese to 8192 tokens", "[trainer][bpe][data][slow]") {
  SEXTANT_REQUIRE_CORPORA(corpora);
  BpeTrainer trainer(options(8192));
  const auto start = std::chrono::steady_clock::now();
  for (const char* file : {"pretrain_en/tinyshakespeare.txt", "pretrain_en/wikitext2_raw_test.txt",
                           "pretrain_en/llamafactory_wiki_demo.txt", "pretrain_zh/chinese_poetry_flat.txt"})
    for (const std::string& doc : split(sextant::testing::read_all(corpora + "/" + file), "\n\n"))
      trainer.add_document(doc);
  const auto counted = std::chrono::steady_clock::now();
  const BpeVocabulary v = trainer.train();
  const auto trained = std::chrono::steady_clock::now();
  const Tokenizer t = save_and_load(v, "5mb");
  CHECK(t.vocab_size() == 8192);
  for (const std::string& text : kRoundTripTexts) check_round_trip(t, text);
  auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
  // Reported, not asserted (speed is for benchmarks to judge).
  WARN(trainer.document_count() << " documents, " << trainer.byte_count() / 1e6 << " MB, " << trainer.distinct_words()
                                << " distinct words: counted in " << seconds(counted - start) << " s, 8192 tokens in "
                                << seconds(trained - counted) << " s");
}

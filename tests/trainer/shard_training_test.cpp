// Pretraining from data prepare's token shards: loss, stream positions across stages, held-out text, tokenizer checks.
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "runtime/tokenizer/tokenizer.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"
#include "trainer/checkpoint/training_checkpoint.hpp"
#include "trainer/data/data_pipeline.hpp"
#include "trainer/data/data_pipeline_config.hpp"
#include "trainer/pretrain/pretrain_config.hpp"
#include "trainer/pretrain/pretrainer.hpp"

using namespace sextant::trainer;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) { return sextant::testing::fresh_temp_dir("shard_training_" + name); }


// Documents from a small grammar, chosen by a fixed linear congruential generator (the same
// on every platform): regular enough for a tiny model to learn in a few steps.
std::vector<std::string> english_documents(int n) {
  const char* adjectives[] = {"old", "quiet", "bright", "small", "green", "heavy", "narrow", "warm"};
  const char* nouns[] = {"river", "farmer", "bridge", "village", "garden", "teacher", "window", "harvest"};
  const char* verbs[] = {"crossed", "watched", "painted", "carried", "followed", "remembered"};
  std::uint64_t x = 12345;
  auto next = [&](std::uint64_t k) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (x >> 33) % k;
  };
  std::vector<std::string> docs;
  for (int d = 0; d < n; ++d) {
    std::string doc = "Story " + std::to_string(d) + ":";
    for (std::uint64_t s = 0, sentences = 3 + next(3); s < sentences; ++s)
      doc += std::string(" The ") + adjectives[next(8)] + " " + nouns[next(8)] + " " + verbs[next(6)] + " the " +
             nouns[next(8)] + ".";
    docs.push_back(doc);
  }
  return docs;
}

std::vector<std::string> code_documents(int n) {
  std::vector<std::string> docs;
  for (int d = 0; d < n; ++d)
    docs.push_back("def add_" + std::to_string(d) + "(x):\n    return x + " + std::to_string(d % 10));
  return docs;
}

std::string paragraphs(const std::vector<std::string>& docs) {
  std::string text;
  for (const std::string& d : docs) text += d + "\n\n";
  return text;
}

// `sextant data prepare` over the two sources, shards of at most 1000 tokens (so documents
// run across shard boundaries), a byte-level BPE of 512 tokens.
fs::path prepare(const fs::path& dir, const std::vector<std::string>& en, const std::vector<std::string>& code) {
  sextant::testing::write_file(dir / "corpus/en.txt", paragraphs(en));
  sextant::testing::write_file(dir / "corpus/code.txt", paragraphs(code));
  sextant::testing::write_file(dir / "data.json", R"({
    "name": "shards-test",
    "sources": {
      "en": {"files": ["en.txt"], "format": "paragraphs", "language": "en"},
      "code": {"files": ["code.txt"], "format": "paragraphs", "language": "code"}
    },
    "quality_rules": false,
    "dedup": {"exact": false, "near": false},
    "tokenizer": {"vocab_size": 512},
    "shards": {"max_tokens": 1000}
  })");
  const DataPipelineConfig config = read_data_pipeline_config((dir / "data.json").string());
  const fs::path out = dir / "prepared";
  run_data_pipeline(config, {(dir / "corpus").string(), out.string(), false, true});
  return out;
}

fs::path write_train_config(const fs::path& dir, const std::string& tokenizer) {
  sextant::testing::write_file(dir / "train.json", R"({
    "name": "from-shards",
    "seed": 5,
    "tokenizer": ")" + tokenizer +
                                R"(",
    "model": {"hidden_size": 32, "layers": 2, "heads": 4, "kv_heads": 2, "ffn_size": 64},
    "batch": {"sequence_length": 32, "micro_batch": 2, "accumulation": 1},
    "sources": {
      "en": {"format": "shards", "files": ["shards/en-*.bin"], "held_out": 0.1},
      "code": {"format": "shards", "files": ["shards/code-*.bin"], "held_out": 0}
    },
    "stages": [
      {"name": "first", "tokens": 640, "lr": 1e-2, "mixture": {"en": 1}},
      {"name": "second", "tokens": 640, "lr": 5e-3, "mixture": {"en": 1, "code": 1}}
    ]
  })");
  return dir / "train.json";
}

// source -> (epoch, position) in a checkpoint's trainer_state.json.
std::map<std::string, std::pair<std::int64_t, std::int64_t>> positions(const fs::path& checkpoint) {
  const auto j = nlohmann::json::parse(sextant::testing::read_all((checkpoint / "trainer_state.json").string()));
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> p;
  for (const auto& s : j.at("streams")) p[s.at("source")] = {s.at("epoch"), s.at("position")};
  return p;
}

}  // namespace

TEST_CASE("training from data prepare's shards lowers the loss and carries stream positions across stages",
          "[trainer][pretrain][pipeline]") {
  const fs::path dir = fresh_dir("train");
  const std::vector<std::string> en = english_documents(200), code = code_documents(120);
  const fs::path prepared = prepare(dir, en, code);
  REQUIRE(fs::exists(prepared / "shards/en-00001.bin"));  // the source spans several shards

  const PretrainConfig config =
      read_pretrain_config(write_train_config(dir, (prepared / "tokenizer.json").string()).string());
  PretrainOptions options;
  options.corpus_dir = prepared.string();
  options.out_dir = (dir / "out").string();
  options.threads = 2;
  options.quiet = true;
  std::vector<std::int64_t> hooked;
  bool final_seen = false;
  Pretrainer(config, options).run([&](const CheckpointEvent& e) {
    hooked.push_back(e.step);
    final_seen = e.final;
  });
  CHECK(hooked == std::vector<std::int64_t>{10, 20});  // each stage's end
  CHECK(final_seen);

  std::vector<double> losses;
  std::ifstream log(dir / "out/train_log.jsonl");
  for (std::string line; std::getline(log, line);) losses.push_back(nlohmann::json::parse(line)["loss"]);
  REQUIRE(losses.size() == 20);
  CHECK(losses.back() < losses.front() - 1.0);

  // 64 tokens a step. The first stage reads en alone: 640 tokens in. The second goes on from
  // there: en and code together take its 640 more (neither source wraps around).
  const auto first = positions(dir / "out/checkpoints/step-000010");
  CHECK(first.at("en") == std::pair<std::int64_t, std::int64_t>{0, 640});
  CHECK(first.at("code") == std::pair<std::int64_t, std::int64_t>{0, 0});
  const auto last = positions(dir / "out/checkpoints/step-000020");
  CHECK(last.at("en").first == 0);
  CHECK(last.at("code").first == 0);
  CHECK(last.at("en").second > 640);
  CHECK(last.at("code").second > 0);
  CHECK(last.at("en").second + last.at("code").second == 1280);
  const auto state = nlohmann::json::parse(
      sextant::testing::read_all((dir / "out/checkpoints/step-000020/trainer_state.json").string()));
  CHECK(state.value("final", false));
  const std::vector<CheckpointEntry> listed = complete_checkpoints((dir / "out/checkpoints").string());
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].step == 10);
  CHECK_FALSE(listed[0].final);
  CHECK(listed[1].step == 20);
  CHECK(listed[1].final);
  CHECK(listed[1].config_name == "from-shards");
  CHECK_FALSE(nlohmann::json::parse(
                  sextant::testing::read_all((dir / "out/checkpoints/step-000010/trainer_state.json").string()))
                  .contains("final"));

  // Every 10th document is held out, decoded back to its exact text; code holds none out.
  std::vector<std::string> held;
  std::ifstream held_in(dir / "out/heldout/en.jsonl");
  for (std::string line; std::getline(held_in, line);) held.push_back(nlohmann::json::parse(line)["text"]);
  REQUIRE(held.size() == 20);
  for (std::size_t i = 0; i < held.size(); ++i) CHECK(held[i] == en[10 * i + 9]);
  CHECK(sextant::testing::read_all((dir / "out/heldout/code.jsonl").string()).empty());
  fs::remove_all(dir);
}

TEST_CASE("a shards source refuses a tokenizer of another vocabulary, naming the tokenizer field",
          "[trainer][pretrain][pipeline]") {
  const fs::path dir = fresh_dir("vocab");
  const fs::path prepared = prepare(dir, english_documents(40), code_documents(20));
  const std::string other = sextant::testing::fixture("hf/llama_f32_tied/tokenizer.json");  // 384 tokens
  // The pipeline's BPE stops short of its 512 when the corpus has no more pairs to merge.
  const auto prepared_vocab =
      sextant::runtime::Tokenizer::from_tokenizer_json((prepared / "tokenizer.json").string()).vocab_size();
  REQUIRE(prepared_vocab != 384);
  PretrainOptions options;
  options.corpus_dir = prepared.string();
  options.out_dir = (dir / "out").string();
  options.quiet = true;
  CHECK_THROWS_WITH(Pretrainer(read_pretrain_config(write_train_config(dir, other).string()), options),
                    Catch::Contains("train.json: tokenizer") && Catch::Contains("-00000.bin") &&
                        Catch::Contains("was written for a vocabulary of " + std::to_string(prepared_vocab)));

  // A tokenizer of the same size that is not the one beside the shards.
  const std::string original = sextant::testing::read_all((prepared / "tokenizer.json").string());
  sextant::testing::write_file(dir / "elsewhere/tokenizer.json", original + "\n");
  CHECK_THROWS_WITH(
      Pretrainer(read_pretrain_config(write_train_config(dir, (dir / "elsewhere/tokenizer.json").string()).string()),
                 options),
      Catch::Contains("train.json: tokenizer") && Catch::Contains("prepared/tokenizer.json, the tokenizer the shards"));

  // Without a tokenizer file there is nothing to check the shards against.
  std::string text = sextant::testing::read_all(write_train_config(dir, other).string());
  text.replace(text.find("\"tokenizer\": \"" + other + "\""), other.size() + 15,
               "\"tokenizer\": {\"vocab_size\": 512}");
  sextant::testing::write_file(dir / "untokenized.json", text);
  CHECK_THROWS_WITH(read_pretrain_config((dir / "untokenized.json").string()),
                    Catch::Contains("untokenized.json: tokenizer") && Catch::Contains("reads token shards"));
  fs::remove_all(dir);
}

TEST_CASE("configs/train/tiny-prepared.json reads the demo pipeline's shards with its tokenizer", "[trainer][config]") {
  const PretrainConfig config =
      read_pretrain_config(std::string(SEXTANT_SOURCE_DIR) + "/configs/train/tiny-prepared.json");
  CHECK(fs::path(config.tokenizer).lexically_normal() ==
        (fs::path(SEXTANT_SOURCE_DIR) / "runs/data-demo/tokenizer.json").lexically_normal());
  REQUIRE(config.sources.size() == 6);
  for (const SourceConfig& s : config.sources) {
    CHECK(s.format == "shards");
    REQUIRE(s.files.size() == 1);
    CHECK(s.files[0].starts_with("shards/"));
  }
}

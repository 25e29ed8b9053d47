// The pretraining loop: packing, configs, a run whose loss falls, and resume with bit-identical losses.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"
#include "trainer/checkpoint/training_checkpoint.hpp"
#include "trainer/data/sequence_packer.hpp"
#include "trainer/pretrain/pretrain_config.hpp"
#include "trainer/pretrain/pretrainer.hpp"

using namespace sextant::trainer;
namespace fs = std::filesystem;

namespace {

// The licence texts every Debian system installs: real prose, always present.
const char* kCorpus = "/usr/share/common-licenses";

fs::path fresh_dir(const std::string& name) { return sextant::testing::fresh_temp_dir("pretrainer_" + name); }

fs::path write_config(const fs::path& dir, const std::string& extra = "") {
  const std::string text = R"({
    "name": "licences",
    "seed": 11,
    "tokenizer": ")" + sextant::testing::fixture("hf/llama_f32_tied/tokenizer.json") + R"(",
    "model": {"hidden_size": 32, "layers": 2, "heads": 4, "kv_heads": 2, "ffn_size": 64},
    "batch": {"sequence_length": 32, "micro_batch": 2, "accumulation": 2},
    "sources": {
      "gpl": {"files": ["GPL-3", "LGPL-3"], "held_out": 0.05},
      "other": {"files": ["Apache-2.0", "MPL-2.0"], "format": "paragraphs"}
    },
    "stages": [
      {"name": "first", "tokens": 1280, "lr": 5e-3, "mixture": {"gpl": 1}},
      {"name": "second", "tokens": 1280, "lr": 3e-3, "mixture": {"gpl": 1, "other": 3}}
    ],
    "checkpoint_every": 7)" + extra + "\n}";
  const fs::path path = dir / "train.json";
  std::ofstream(path) << text;
  return path;
}

std::vector<std::string> log_lines(const fs::path& out) {
  std::vector<std::string> lines;
  std::ifstream in(out / "train_log.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    j.erase("seconds");  // everything but the timing must repeat
    lines.push_back(j.dump());
  }
  return lines;
}

}  // namespace

TEST_CASE("packer opens each document with the end-of-document token and restarts attention there", "[trainer][data]") {
  // Stream: doc "1 2 3" EOD(0), doc "4 5" EOD, ...
  std::vector<TokenStream> streams;
  streams.emplace_back("s", std::vector<std::int32_t>{1, 2, 3, 0, 4, 5, 0, 6, 7, 8, 9, 0}, 3);
  SequencePacker packer(streams, 0, 1);
  TokenBatch batch(2, 5);
  packer.fill(batch, {{"s", 1.0}}, 0);
  CHECK(batch.tokens == std::vector<std::int32_t>{1, 2, 3, 0, 4, 5, 0, 6, 7, 8});
  CHECK(batch.targets == std::vector<std::int32_t>{2, 3, 0, 4, 5, 0, 6, 7, 8, 9});
  CHECK(batch.doc_start == std::vector<std::int32_t>{0, 0, 0, 3, 3, 0, 1, 1, 1, 1});
  // Consecutive sequences continue the stream: every token is a target once.
  CHECK(streams[0].position() == 10);
  packer.fill(batch, {{"s", 1.0}}, 2);
  CHECK(batch.tokens[0] == 9);
  CHECK(streams[0].epoch() == 1);
}

TEST_CASE("packer draws sources in the mixture's shares, the same way every time", "[trainer][data]") {
  auto draw = [] {
    std::vector<TokenStream> streams;
    streams.emplace_back("a", std::vector<std::int32_t>(64, 1), 1);
    streams.emplace_back("b", std::vector<std::int32_t>(64, 2), 1);
    SequencePacker packer(streams, 0, 5);
    TokenBatch batch(1, 1);
    std::string picks;
    for (int n = 0; n < 4000; ++n) {
      packer.fill(batch, {{"a", 0.25}, {"b", 0.75}}, n);
      picks += batch.tokens[0] == 1 ? 'a' : 'b';
    }
    return picks;
  };
  const std::string picks = draw();
  CHECK(picks == draw());
  const auto a = std::count(picks.begin(), picks.end(), 'a');
  CHECK(a > 900);
  CHECK(a < 1100);
}

TEST_CASE("train configs: errors name the file and the field", "[trainer][config]") {
  const fs::path dir = fresh_dir("config");
  const auto path = write_config(dir, R"(, "eval": {"suite": "tiny", "every": 5})");
  CHECK_THROWS_WITH(read_pretrain_config(path.string()), Catch::Contains("train.json: eval.every") &&
                                                             Catch::Contains("multiple of checkpoint_every"));
  std::string text = sextant::testing::read_all(write_config(dir).string());
  text.replace(text.find("\"other\": 3"), 10, "\"others\": 3");
  std::ofstream(dir / "bad.json") << text;
  CHECK_THROWS_WITH(read_pretrain_config((dir / "bad.json").string()),
                    Catch::Contains("bad.json: stages[1].mixture") && Catch::Contains("\"others\" is not one of the sources"));
  const PretrainConfig ok = read_pretrain_config(write_config(dir).string());
  CHECK(ok.tokens_per_step() == 128);
  CHECK(ok.total_steps() == 20);
  CHECK(ok.stages[1].mixture.at("other") == Approx(0.75));
}

TEST_CASE("pretraining lowers the loss and resumes with bit-identical losses", "[trainer][pretrain]") {
  if (!fs::is_directory(kCorpus)) {
    WARN("skipped: " << kCorpus << " (Debian's base-files) is absent");
    return;
  }
  // Both precisions: bfloat16 products go through packing and tiling that must not depend on
  // the thread count either.
  const std::string precision = GENERATE(as<std::string>{}, "fp32", "bf16");
  INFO("precision " << precision);
  const fs::path dir = fresh_dir("resume-" + precision);
  const PretrainConfig config =
      read_pretrain_config(write_config(dir, ", \"precision\": \"" + precision + "\"").string());
  PretrainOptions options;
  options.corpus_dir = kCorpus;
  options.quiet = true;

  options.out_dir = (dir / "whole").string();
  options.threads = 2;
  std::vector<std::int64_t> hooked;
  Pretrainer(config, options).run([&](const CheckpointEvent& e) { hooked.push_back(e.step); });
  CHECK(hooked == std::vector<std::int64_t>{7, 10, 14, 20});  // every 7 steps and at each stage's end
  const auto whole = log_lines(dir / "whole");
  REQUIRE(whole.size() == 20);
  const double first = nlohmann::json::parse(whole.front())["loss"], last = nlohmann::json::parse(whole.back())["loss"];
  CHECK(last < first - 1.0);

  // Stopped after step 16 (as if killed: the log runs past the step-14 checkpoint), resumed
  // on another thread count.
  options.out_dir = (dir / "resumed").string();
  options.threads = 1;
  options.stop_after_step = 16;
  Pretrainer(config, options).run();
  CHECK(log_lines(dir / "resumed").size() == 16);
  options.stop_after_step = -1;
  options.resume = true;
  options.threads = 2;
  Pretrainer(config, options).run();
  CHECK(log_lines(dir / "resumed") == whole);
  // The final weights are the same bytes.
  CHECK(sextant::testing::read_all((dir / "whole/checkpoints/step-000020/model.safetensors").string()) ==
        sextant::testing::read_all((dir / "resumed/checkpoints/step-000020/model.safetensors").string()));
  CHECK(fs::exists(dir / "whole/heldout/gpl.jsonl"));
  fs::remove_all(dir);
}

TEST_CASE("a resumed run refuses a checkpoint of another config", "[trainer][pretrain]") {
  if (!fs::is_directory(kCorpus)) {
    WARN("skipped: " << kCorpus << " (Debian's base-files) is absent");
    return;
  }
  const fs::path dir = fresh_dir("fingerprint");
  PretrainOptions options;
  options.corpus_dir = kCorpus;
  options.out_dir = (dir / "out").string();
  options.quiet = true;
  options.stop_after_step = 7;
  Pretrainer(read_pretrain_config(write_config(dir).string()), options).run();
  options.resume = true;
  const auto changed = write_config(dir, R"(, "keep_checkpoints": 2)");
  CHECK_THROWS_WITH(Pretrainer(read_pretrain_config(changed.string()), options).run(),
                    Catch::Contains("trained with another config"));
  fs::remove_all(dir);
}

TEST_CASE("a resumed run refuses data that changed since its checkpoint", "[trainer][pretrain]") {
  if (!fs::is_directory(kCorpus)) {
    WARN("skipped: " << kCorpus << " (Debian's base-files) is absent");
    return;
  }
  const fs::path dir = fresh_dir("changed_data");
  const PretrainConfig config = read_pretrain_config(write_config(dir).string());
  PretrainOptions options;
  options.corpus_dir = kCorpus;
  options.out_dir = (dir / "out").string();
  options.quiet = true;
  options.stop_after_step = 7;
  Pretrainer(config, options).run();
  // The same files, with the GPL cut short.
  const fs::path copy = dir / "corpus";
  fs::create_directories(copy);
  for (const char* name : {"GPL-3", "LGPL-3", "Apache-2.0", "MPL-2.0"}) fs::copy_file(fs::path(kCorpus) / name, copy / name);
  fs::resize_file(copy / "GPL-3", fs::file_size(copy / "GPL-3") / 2);
  options.corpus_dir = copy.string();
  options.resume = true;
  options.stop_after_step = -1;
  CHECK_THROWS_WITH(Pretrainer(config, options).run(),
                    Catch::Contains("trainer_state.json: source gpl had") && Catch::Contains("the corpus changed"));
  fs::remove_all(dir);
}

// The shipped configs: every dataset, suite and model config loads; the core suite covers the
// five dimensions; on the real files every mode builds prompts of the published shape.
#include <catch2/catch.hpp>
#include <set>

#include "core/error.hpp"
#include "datasets/source_spec.hpp"
#include "harness/config/config_catalog.hpp"
#include "harness/eval/sample_builder.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"

using namespace sextant;
using namespace sextant::harness;

namespace {

ConfigCatalog shipped() { return ConfigCatalog(std::string(SEXTANT_SOURCE_DIR) + "/configs"); }

std::vector<PromptedSample> build(const ConfigCatalog& catalog, const std::string& name, const std::string& mode_name,
                                  const std::string& data, std::size_t n, bool chat = false, bool circular = false) {
  const DatasetConfig d = catalog.dataset(name);
  const ModeConfig& mode = d.mode(mode_name);
  datasets::BadRows bad;
  auto rows = datasets::load_records(*d.test_source(data), data, bad);
  std::vector<datasets::Record> examples;
  if (mode.shots > 0) examples = datasets::load_records(*d.examples, data, bad);
  std::optional<runtime::ChatTemplate> tmpl;
  if (chat) tmpl = runtime::chat_template_by_name("chatml");
  const SampleBuilder builder(d, mode, examples, tmpl, circular);
  std::vector<PromptedSample> out;
  for (std::size_t i = 0; i < std::min(n, rows.size()); ++i)
    for (auto& s : builder.build(rows[i], static_cast<std::int64_t>(i), bad)) out.push_back(std::move(s));
  return out;
}

}  // namespace

TEST_CASE("every shipped config loads and the core suite covers all five dimensions", "[harness][config]") {
  const ConfigCatalog catalog = shipped();
  REQUIRE(catalog.dataset_names().size() >= 14);
  for (const auto& name : catalog.dataset_names()) {
    INFO(name);
    CHECK_NOTHROW(catalog.dataset(name));
  }
  std::set<std::string> dimensions;
  for (const auto& suite : catalog.suite_names()) {
    for (const auto& t : catalog.suite(suite).tasks) {
      INFO(suite << ": " << t.dataset << ":" << t.mode);
      const DatasetConfig d = catalog.dataset(t.dataset);
      CHECK_NOTHROW(d.mode(t.mode));
      if (suite == "core") dimensions.insert(d.dimension);
    }
  }
  CHECK(dimensions == std::set<std::string>{"Exam", "Language", "Knowledge", "Understanding", "Reasoning"});
  CHECK(catalog.model_names() == std::vector<std::string>{"smollm2-135m-instruct"});
  // A chat reply holds its code in a fence: the base-model stops ("\ndef ") would cut it.
  const auto humaneval = catalog.dataset("humaneval");
  REQUIRE(humaneval.mode("zero-shot").chat_stop.has_value());
  CHECK(humaneval.mode("zero-shot").chat_stop->empty());
  CHECK(humaneval.mode("zero-shot").stop.size() == 5);
  CHECK_THROWS_WITH(catalog.dataset("mmlu_pro"), Catch::Contains("unknown dataset") && Catch::Contains("mmlu_cloze"));
}

TEST_CASE("config mistakes are errors naming the file and the field", "[harness][config]") {
  auto write = [](const std::string& name, const std::string& text) {
    return testing::write_temp(name + ".json", text);
  };
  const std::string ok_source = R"("test": {"format": "jsonl", "path": "x.jsonl"})";
  CHECK_THROWS_WITH(
      load_dataset_config(write("d1", R"({"name": "d1", "dimension": "Maths", )" + ok_source + R"(, "modes": {}})")),
      Catch::Contains("d1.json: dimension") && Catch::Contains("Maths"));
  CHECK_THROWS_WITH(
      load_dataset_config(write(
          "d2",
          R"({"name": "d2", "dimension": "Exam", )" + ok_source +
              R"(, "modes": {"zero-shot": {"inferencer": "gen", "prompt": "{q}", "metric": "bleu2", "reference": "{a}"}}})")),
      Catch::Contains("modes.zero-shot.metric") && Catch::Contains("bleu2"));
  CHECK_THROWS_WITH(
      load_dataset_config(
          write("d3", R"({"name": "d3", "dimension": "Exam", )" + ok_source +
                          R"(, "modes": {"zero-shot": {"inferencer": "ppl", "prompt": "{q}", "choices": ["a"]}}})")),
      Catch::Contains("d3.json: modes.zero-shot") && Catch::Contains("gold"));
  CHECK_THROWS_WITH(
      load_dataset_config(write(
          "d4", R"({"name": "d4", "dimension": "Exam", )" + ok_source +
                    R"(, "modes": {"few": {"inferencer": "gen", "prompt": "{q}", "shots": 3, "reference": "{a}"}}})")),
      Catch::Contains("modes.few.shots") && Catch::Contains("examples"));
  CHECK_THROWS_WITH(load_dataset_config(write("d5", "{\n  \"name\": \"d5\",\n  oops\n}")),
                    Catch::Contains("d5.json:3"));
}

TEST_CASE("prompts of the shipped datasets on the real files", "[harness][config][data]") {
  SEXTANT_REQUIRE_DATA(data);
  const ConfigCatalog catalog = shipped();
  // Every dataset builds every mode's samples from its first rows; the held-out ones read a
  // training run's folder (sextant train writes it), not the benchmark files.
  for (const auto& name : catalog.dataset_names()) {
    if (name.starts_with("heldout_")) continue;
    INFO(name);
    REQUIRE(catalog.dataset(name).test_source(data) != nullptr);
    for (const auto& [mode, m] : catalog.dataset(name).modes) {
      INFO(name << ":" << mode);
      CHECK(build(catalog, name, mode, data, 3).size() == 3);
    }
  }
  // The cloze form of SmolLM2's card and lm-evaluation-harness's lettered 5-shot form.
  const auto cloze = build(catalog, "mmlu_cloze", "zero-shot", data, 1)[0];
  CHECK(cloze.prompt ==
        "The following are questions about abstract algebra.\nQuestion: Find the degree for the given field extension "
        "Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\nAnswer:");
  CHECK(cloze.continuations == std::vector<std::string>{" 0", " 4", " 2", " 6"});
  CHECK(cloze.gold == 1);
  const auto five = build(catalog, "mmlu", "few-shot", data, 1)[0];
  CHECK(five.prompt.rfind(
            "The following are multiple choice questions (with answers) about abstract algebra.\n\nFind all c in Z_3",
            0) == 0);
  CHECK(five.prompt.find("\nAnswer: B\n\n") != std::string::npos);
  const std::string end = "over Q.\nA. 0\nB. 4\nC. 2\nD. 6\nAnswer:";
  CHECK(five.prompt.substr(five.prompt.size() - end.size()) == end);
  CHECK(five.continuations == std::vector<std::string>{" A", " B", " C", " D"});
  // LAMBADA continues its passage even for a chat model: no chat template around it.
  const auto plain = build(catalog, "lambada", "zero-shot", data, 1, true)[0];
  const auto with_chat = build(catalog, "mmlu_cloze", "zero-shot", data, 1, true)[0];
  CHECK(with_chat.prompt.find("<|im_start|>") != std::string::npos);
  CHECK(plain.prompt.find("<|im_start|>") == std::string::npos);
  CHECK_FALSE(plain.chat);
  CHECK(plain.prompt == build(catalog, "lambada", "zero-shot", data, 1)[0].prompt);
  // Circular: the options rotate through the letters and the gold letter moves with them.
  const auto rotations = build(catalog, "mmlu", "few-shot", data, 1, false, true);
  REQUIRE(rotations.size() == 4);
  CHECK(rotations[1].prompt.substr(rotations[1].prompt.size() - end.size()) ==
        "over Q.\nA. 4\nB. 2\nC. 6\nD. 0\nAnswer:");
  CHECK(rotations[0].gold == 1);
  CHECK(rotations[1].gold == 0);
  CHECK(rotations[2].gold == 3);
  CHECK(rotations[3].index == 3);
  CHECK(rotations[0].prompt.substr(0, rotations[0].prompt.size() - end.size()) ==
        rotations[3].prompt.substr(0, rotations[3].prompt.size() - end.size()));  // the exemplars stay
  CHECK_THROWS_AS(build(catalog, "gsm8k", "cot", data, 1, false, true), UsageError);
  // WinoGrande: each option fills the blank; the rest of the sentence is the continuation.
  const auto wino = build(catalog, "winogrande", "zero-shot", data, 1)[0];
  CHECK(wino.contexts[0] == "Ian volunteered to eat Dennis's menudo after already having a bowl because Ian");
  CHECK(wino.contexts[1] == "Ian volunteered to eat Dennis's menudo after already having a bowl because Dennis");
  CHECK(wino.continuations[0] == " despised eating intestine.");
  CHECK(wino.gold == 1);
  // GSM8K chain of thought: train solutions without calculator notes, ending "The answer is N."
  const auto gsm = build(catalog, "gsm8k", "cot", data, 1)[0];
  CHECK(gsm.prompt.find("<<") == std::string::npos);
  CHECK(gsm.prompt.find("altogether in April and May. The answer is 72.\n\nQuestion:") != std::string::npos);
  CHECK(gsm.references == std::vector<std::string>{"18"});
  // HellaSwag as llama.cpp and lm-evaluation-harness score it; BoolQ's booleans as indexes.
  const auto hs = build(catalog, "hellaswag", "zero-shot", data, 1)[0];
  CHECK(hs.prompt == "Roof shingle removal: A man is sitting on a roof. he");
  CHECK(hs.continuations[3] == " starts pulling up roofing on a roof.");
  CHECK(hs.gold == 3);
  const auto boolq = build(catalog, "boolq", "zero-shot", data, 1)[0];
  CHECK(boolq.continuations == std::vector<std::string>{" no", " yes"});
  CHECK(boolq.gold == 0);
  // Under a chat template the question is the user's turn and the answer opens the assistant's.
  const auto chat = build(catalog, "arc_easy", "zero-shot", data, 1, true)[0];
  CHECK(chat.prompt.rfind("<|im_start|>", 0) == 0);
  CHECK(chat.prompt.substr(chat.prompt.size() - 22) == "<|im_start|>assistant\n");
  CHECK(chat.continuations[0][0] != ' ');
}

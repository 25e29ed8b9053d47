// A dataset as configuration (configs/datasets/*.json): where its rows are, which capability
// dimension it measures, how the right answer is found, and one prompt form per mode.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/capability_dimensions.hpp"
#include "datasets/source_spec.hpp"

namespace sextant::harness {

// The three ways of asking the model (lm-evaluation-harness's request kinds, as used here).
enum class Inferencer {
  Ppl,     // multiple choice: every choice scored as a continuation of the prompt
  Target,  // one gold continuation scored: greedy-match accuracy and perplexity (LAMBADA)
  Gen,     // free generation, an answer extracted and compared with the references
  Rolling, // a whole text's log-likelihood: bits per byte and perplexity (held-out text)
};
const char* inferencer_name(Inferencer i);

// How a row names its right choice.
struct GoldSpec {
  enum class Kind { Label, Index, Text } kind = Kind::Index;
  std::string field;         // the row field holding the answer
  std::string labels_field;  // Label: a list field of labels ("question.choices[].label") ...
  std::string labels;        // ... or literal letters ("ABCD")
  int base = 0;              // Index: the number of the first choice (1 in WinoGrande)
};

struct ModeConfig {
  std::string name;  // zero-shot, few-shot, cot, ...
  Inferencer inferencer = Inferencer::Ppl;
  std::string preamble;  // once before the exemplars, from the item's fields ("The following are ...")
  std::string prompt;    // the question, from an item's (or an exemplar's) fields
  std::string answer;    // an exemplar's answer after its prompt (few-shot); may use {gold_choice}, {gold_label}
  std::string separator = "\n\n";  // between exemplars, and before the question
  // Ppl: the choices are a list field or literal texts; each continuation is rendered from
  // `choice` with {choice} (its text), {label} (A, B, ...) and the row's fields. A prompt
  // that reads {choice} gives each choice its own context (WinoGrande's partial scoring).
  std::string choices_field;
  std::vector<std::string> choice_texts;
  std::string choice = " {choice}";
  // Circular evaluation (--circular): the options rotated, so that a question counts only
  // when every rotation is answered right (OpenCompass's CircularEval). One name: a list
  // field; several: fields whose values rotate among themselves (MMLU's A, B, C, D).
  std::vector<std::string> rotate;
  // Target: the continuation scored.
  std::string target;
  // Few-shot.
  int shots = 0;
  std::string retriever = "fixed";  // fixed, random, bm25
  std::string group_by;             // exemplars only from rows with the same value (MMLU subject)
  std::uint64_t seed = 1234;
  // Gen.
  int max_tokens = 64;
  std::vector<std::string> stop;
  // Under a chat template (the reply ends with the model's end-of-turn token): these stops
  // instead, e.g. none for code, whose reply holds "\ndef " inside a fenced block.
  std::optional<std::vector<std::string>> chat_stop;
  // The prompt is text to be continued (LAMBADA's passage before its last word): never
  // wrapped in the model's chat template, whatever the run's chat setting.
  bool plain_text = false;
  std::string extractor;  // answer post-processor (datasets/answer_extraction.hpp); empty: the whole output, trimmed
  std::string reference;  // a template giving the one reference ...
  std::string references_field;  // ... or a field holding several (any counts)
  std::string program;           // pass@k: the program to run, with {completion} and the row's fields
  int samples = 1;               // > 1: self-consistency, majority vote over the extracted answers
  double temperature = 0.0;
  double top_p = 1.0;
  std::string metric;       // headline metric of this mode
  std::string config_json;  // the mode's config as written, canonical (for the task hash)
};

struct DatasetConfig {
  std::string name;       // short name users know: mmlu, arc_easy, gsm8k, ...
  std::string dimension;  // Exam, Language, Knowledge, Understanding, Reasoning
  std::string description;
  std::string config_path;
  // The split scored: one source, or alternatives in order of preference (the same rows in
  // another upstream form, e.g. HellaSwag as llama.cpp's text or as the original JSONL).
  std::vector<datasets::SourceSpec> tests;
  std::optional<datasets::SourceSpec> examples;  // where few-shot exemplars come from
  std::optional<GoldSpec> gold;                  // needed by ppl modes and {gold_*} fields
  std::map<std::string, ModeConfig> modes;
  std::vector<std::string> default_modes;  // what --suite-less runs use
  std::string common_json;                 // the config without its modes and descriptions, canonical (for task hashes)

  const ModeConfig& mode(const std::string& name) const;  // throws listing the modes it has
  // The first test source whose files exist under data_dir, or null.
  const datasets::SourceSpec* test_source(const std::string& data_dir) const;
  // Where the test files were looked for, for "skipped" messages.
  std::string test_locations(const std::string& data_dir) const;
};

// Reads and checks a dataset config; errors name the file and field.
DatasetConfig load_dataset_config(const std::string& path);

inline constexpr const auto& kDimensions = kCapabilityDimensions;

}  // namespace sextant::harness

// A data-preparation run as configured in configs/data/*.json: sources, each stage's settings, tokenizer, shards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trainer/data/language_identifier.hpp"
#include "trainer/data/near_dedup.hpp"
#include "trainer/data/quality_classifier.hpp"
#include "trainer/data/quality_rules.hpp"
#include "trainer/pretrain/pretrain_config.hpp"

namespace sextant::trainer {

// A source as the pretraining config names one (files, format, field, min_chars), plus what
// it skips: a source of known content (code) carries its own language tag instead of being
// classified, and may skip the rules or the classifier written for prose.
struct PipelineSource {
  SourceConfig files;
  std::string language;               // a fixed tag ("code"): not classified, always allowed
  std::optional<QualityRules> rules;  // the config's rules with this source's overrides; none: skipped
  bool quality_classifier = true;     // scored by the quality classifier (when the config has one)
};

struct LanguageStage {
  std::string model;                           // a saved identifier (absolute or relative to the config), or
  std::vector<std::string> labelled;           // labelled files to train one: *.jsonl (lang/split/text; test rows
                                               // left out) or Tatoeba TSV, globs under the corpus directory
  std::vector<SourceConfig> labelled_sources;  // and/or: a source per label (its name is the label)
  LanguageIdentifierOptions options;
  std::vector<std::string> allowed;  // languages kept; empty keeps every one
  double min_confidence = 0;         // a document classified below it is dropped
};

struct QualityClassifierStage {
  bool enabled = false;
  std::vector<SourceConfig> golden;    // the reference text (label 1); the pool is the documents reaching the stage
  std::vector<std::string> languages;  // only documents of these are scored (the others pass); empty: all
  std::optional<double> threshold;     // keep a score >= threshold, or
  std::optional<double> top_fraction;  // keep this best share of the scored documents
  std::int64_t max_examples = 20000;   // per class, taken evenly spread, to bound training time
  QualityClassifierOptions options;
};

struct DedupStage {
  bool exact = true;
  bool near = true;
  NearDedupConfig near_config;
};

struct TokenizerStage {
  std::string path;  // an existing tokenizer.json (absolute or relative to the config), or empty: train one
  std::int64_t vocab_size = 4096;
  std::vector<std::string> special_tokens{"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
};

struct DataPipelineConfig {
  std::string path;  // the file it came from, for messages
  std::string name;
  std::string corpora_dir;  // the config's own corpus folder (absolute or relative to it); empty: the caller's
  std::string fallback;     // another config to run when the corpus folder is absent (Debian packages' text)
  std::vector<PipelineSource> sources;
  LanguageStage language;
  QualityClassifierStage quality_classifier;
  DedupStage dedup;
  TokenizerStage tokenizer;
  std::int64_t max_shard_tokens = 0;  // a source's tokens go to shards of at most this many; 0: one shard
};

// Reads and validates the file; errors name the file and the field
// ("configs/data/demo.json: quality_classifier.threshold: must be in [0, 1]").
DataPipelineConfig read_data_pipeline_config(const std::string& path);

}  // namespace sextant::trainer

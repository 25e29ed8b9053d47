// The data pipeline: a config's sources through language identification, quality rules, the quality classifier,
// deduplication, tokenizer training and token shards.
#pragma once

#include <string>

#include "trainer/data/data_pipeline_config.hpp"
#include "trainer/data/pipeline_stats.hpp"

namespace sextant::trainer {

struct DataPipelineOptions {
  std::string corpus_dir;  // the sources' (and labelled and golden) files are relative to it
  std::string out_dir;
  bool overwrite = false;  // replace an existing, non-empty out_dir (else that is an error)
  bool quiet = false;      // no progress on stderr
};

// Runs the stages in order over every source's documents, all in memory:
//   language            tag each document with a language and confidence (a saved identifier, or one
//                       trained here on the labelled text); drop languages not allowed, low confidence
//   quality_rules       Gopher-style thresholds, per source
//   quality_classifier  P(golden) from a classifier trained on the golden reference (label 1) against the
//                       documents reaching this stage (label 0); keep a threshold or the top fraction.
//                       Two-fold cross-fitting: a model never scores the documents it was trained on
//   exact_dedup         byte-identical documents, across sources (the first one is kept)
//   near_dedup          MinHash + LSH, Jaccard threshold, across sources
// then trains a byte-level BPE on the kept documents (or loads the configured tokenizer.json),
// and writes per source token shards (each document followed by <|endoftext|>).
//
// The output folder gets shards/SOURCE.bin (or SOURCE-00000.bin, ... with shards.max_tokens),
// tokenizer.json, langid.bin (when trained here) and stats.json. It is built in a sibling
// folder OUT.partial-PID and renamed into place at the end, so a crash leaves no half-written
// OUT. Token counts in the stats are by the run's tokenizer for every document that entered,
// so that tokens in and out of each stage are comparable. Throws sextant::Error naming the
// config (file and field) or the input file.
PipelineStats run_data_pipeline(const DataPipelineConfig& config, const DataPipelineOptions& options);

}  // namespace sextant::trainer

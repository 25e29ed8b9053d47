// Which items of a dataset a training corpus holds: each item's token n-grams looked up in the corpus's index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/eval/item_texts.hpp"
#include "runtime/tokenizer/tokenizer.hpp"
#include "trainer/data/ngram_index.hpp"

namespace sextant::harness {

// When an item counts as contaminated. With min_overlap 0 (the default), as soon as one of
// its n-grams is in the corpus (GPT-3's and the rule: one shared 13-gram); above 0,
// when at least that fraction of its n-grams is (the Llama 2 paper's token-overlap view,
// OpenCompass's "dirty" split). An item shorter than n tokens has no n-gram and is clean.
struct ContaminationRule {
  int ngram = trainer::kDefaultContaminationNgram;
  double min_overlap = 0.0;
  bool contaminated(const trainer::NgramOverlap& o) const;
};

struct ItemContamination {
  std::int64_t item_index = 0;  // the row: samples.item_index of a non-circular task
  std::int64_t ngrams = 0, matched = 0;
  double overlap = 0.0;  // matched / ngrams
  bool contaminated = false;
};

// One dataset against one corpus.
struct DatasetContamination {
  std::string dataset, mode;  // mode: the one whose prompts were rendered
  std::string shards;         // the index's fingerprint (shards and n)
  std::string shards_path;
  ContaminationRule rule;
  std::string skipped;  // why it was not scanned ("" when it was)
  std::vector<ItemContamination> items;
  std::int64_t contaminated() const;
};

// Tokenizes each item's text with the corpus's tokenizer (no BOS, special tokens as text) and
// looks up its n-grams. The index's n must be the rule's.
DatasetContamination scan_items(const std::string& dataset, const DatasetItemTexts& texts,
                                const runtime::Tokenizer& tokenizer, const trainer::NgramIndex& index,
                                const ContaminationRule& rule);

}  // namespace sextant::harness

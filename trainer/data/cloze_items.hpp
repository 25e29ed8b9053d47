// Next-word cloze items made from held-out documents: a short task a small model learns early.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sextant::trainer {

struct ClozeItem {
  std::string context;               // up to 40 words before the blank
  std::vector<std::string> choices;  // the true next word and three others of the same document
  int label = 0;                     // index of the true word
};

// One item per document of at least 24 space-separated words: the blank is a word chosen
// with a seeded generator among the later ones, the distractors are other words of the same
// document (so that topic alone does not give the answer away), and their order is shuffled.
// Text without spaces (Chinese) yields none.
std::vector<ClozeItem> make_cloze_items(const std::vector<std::string>& documents, std::uint64_t seed);

// As JSONL: {"context": ..., "choices": [...], "label": n} per line.
std::string cloze_items_jsonl(const std::vector<ClozeItem>& items);

}  // namespace sextant::trainer

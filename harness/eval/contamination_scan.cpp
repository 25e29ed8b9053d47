// Scanning a dataset's item texts against a corpus's n-gram index.
#include "harness/eval/contamination_scan.hpp"

#include "core/error.hpp"

namespace sextant::harness {

bool ContaminationRule::contaminated(const trainer::NgramOverlap& o) const {
  if (o.matched == 0) return false;
  return min_overlap <= 0.0 || o.fraction() >= min_overlap;
}

std::int64_t DatasetContamination::contaminated() const {
  std::int64_t n = 0;
  for (const auto& i : items) n += i.contaminated;
  return n;
}

DatasetContamination scan_items(const std::string& dataset, const DatasetItemTexts& texts,
                                const runtime::Tokenizer& tokenizer, const trainer::NgramIndex& index,
                                const ContaminationRule& rule) {
  if (index.n() != rule.ngram)
    fail("contamination: the index holds {}-grams but the rule asks for {}-grams", index.n(), rule.ngram);
  DatasetContamination out;
  out.dataset = dataset;
  out.mode = texts.mode;
  out.shards = index.fingerprint();
  out.rule = rule;
  out.skipped = texts.skipped;
  out.items.reserve(texts.items.size());
  for (const ItemText& item : texts.items) {
    const auto ids = tokenizer.encode(item.text, false, false);
    const trainer::NgramOverlap o = index.overlap(ids);
    out.items.push_back({item.row, o.ngrams, o.matched, o.fraction(), rule.contaminated(o)});
  }
  return out;
}

}  // namespace sextant::harness

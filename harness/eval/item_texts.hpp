// Each benchmark item's text as a model meets it, the rendered prompt plus its gold answer (contamination checks).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/config/dataset_config.hpp"

namespace sextant::harness {

struct ItemText {
  std::int64_t row = 0;  // position in the dataset's test rows: the samples table's item_index (non-circular)
  std::string text;
};

struct DatasetItemTexts {
  std::string mode;     // the mode whose prompt was rendered
  std::string skipped;  // why there are no texts (files not found); "" otherwise
  std::vector<ItemText> items;
  std::int64_t bad_rows = 0;
};

// The dataset's first default mode, zero-shot (few-shot exemplars come from another split
// and would flag every item of a corpus that holds that split), without chat template: its
// prompt, then the gold answer: a gen mode's `answer` template (the worked solution exemplars
// show, e.g. GSM8K's) or else its reference; a ppl mode's gold continuation; a target mode's
// target; a rolling mode's text alone. `data_dirs` is searched in order, as by `sextant eval`;
// `limit` > 0 keeps the first rows. Missing files give `skipped`, not an error; bad rows throw
// unless skip_bad_rows.
DatasetItemTexts item_texts(const DatasetConfig& dataset, const std::string& data_dirs, std::int64_t limit,
                            bool skip_bad_rows);

}  // namespace sextant::harness

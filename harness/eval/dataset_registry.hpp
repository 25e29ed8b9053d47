// The datasets `sextant eval` knows by name: where their files are, how to load them, their dimension.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "datasets/multiple_choice_item.hpp"

namespace sextant::harness {

struct DatasetSpec {
  std::string name;       // short name users know: hellaswag, arc_easy, ...
  std::string dimension;  // Exam, Language, Knowledge, Understanding, Reasoning
  std::string path;       // file or folder relative to the data directory
  std::function<std::vector<datasets::MultipleChoiceItem>(const std::string&)> load;
};

const std::vector<DatasetSpec>& builtin_datasets();
// The spec of a name; throws UsageError listing the known names.
const DatasetSpec& find_dataset(const std::string& name);

}  // namespace sextant::harness

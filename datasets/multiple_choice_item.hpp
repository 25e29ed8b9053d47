// One multiple-choice question as the harness scores it: a context and the candidate continuations.
#pragma once

#include <string>
#include <vector>

namespace sextant::datasets {

struct MultipleChoiceItem {
  std::string id;                    // stable within the dataset (file and row, or the upstream id)
  std::string context;               // the prompt the choices continue
  std::vector<std::string> choices;  // continuations, each with its leading space if it has one
  int gold = 0;                      // index of the right choice
};

}  // namespace sextant::datasets

// HellaSwag in llama.cpp's six-lines-per-task text format.
#include <fstream>

#include "core/error.hpp"
#include "datasets/loaders.hpp"

namespace sextant::datasets {

std::vector<MultipleChoiceItem> load_hellaswag_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail("{}: cannot open", path);
  std::vector<MultipleChoiceItem> items;
  std::string lines[6];
  int line_no = 0;
  for (;;) {
    int got = 0;
    for (; got < 6 && std::getline(in, lines[got]); ++got) ++line_no;
    if (got == 0) break;
    if (got < 6) fail("{}:{}: the last task has {} of its 6 lines", path, line_no, got);
    const int first = line_no - 5;
    MultipleChoiceItem item;
    item.id = std::to_string(items.size());
    item.context = lines[0];
    if (lines[1].size() != 1 || lines[1][0] < '0' || lines[1][0] > '3')
      fail("{}:{}: gold label \"{}\" is not 0-3", path, first + 1, lines[1]);
    item.gold = lines[1][0] - '0';
    for (int k = 2; k < 6; ++k) item.choices.push_back(" " + lines[k]);
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace sextant::datasets

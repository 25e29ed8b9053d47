// ARC (AI2 Reasoning Challenge) JSONL files.
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "datasets/loaders.hpp"

namespace sextant::datasets {

std::vector<MultipleChoiceItem> load_arc_jsonl(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail("{}: cannot open", path);
  std::vector<MultipleChoiceItem> items;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      fail("{}:{}: not JSON: {}", path, line_no, e.what());
    }
    auto field = [&](const nlohmann::json& obj, const char* name) -> const nlohmann::json& {
      if (!obj.is_object() || !obj.contains(name)) fail("{}:{}: field \"{}\" is missing", path, line_no, name);
      return obj.at(name);
    };
    MultipleChoiceItem item;
    item.id = field(j, "id").get<std::string>();
    const auto& q = field(j, "question");
    item.context = "Question: " + field(q, "stem").get<std::string>() + "\nAnswer:";
    const std::string answer = field(j, "answerKey").get<std::string>();
    item.gold = -1;
    for (const auto& choice : field(q, "choices")) {
      if (field(choice, "label").get<std::string>() == answer) item.gold = static_cast<int>(item.choices.size());
      item.choices.push_back(" " + field(choice, "text").get<std::string>());
    }
    if (item.gold < 0) fail("{}:{}: answerKey \"{}\" names no choice", path, line_no, answer);
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace sextant::datasets

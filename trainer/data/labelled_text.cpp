// Reading labelled text from JSON Lines and Tatoeba TSV files.
#include "trainer/data/labelled_text.hpp"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace sextant::trainer {

namespace {

std::ifstream open_or_fail(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open", path);
  return in;
}

std::string iso639_1(const std::string& code) {
  static const std::map<std::string, std::string> kCodes = {
      {"bul", "bg"}, {"cat", "ca"}, {"ces", "cs"}, {"cmn", "zh"}, {"deu", "de"}, {"eng", "en"},
      {"epo", "eo"}, {"fra", "fr"}, {"gle", "ga"}, {"glg", "gl"}, {"ita", "it"}, {"jpn", "ja"},
      {"kor", "ko"}, {"pol", "pl"}, {"por", "pt"}, {"rus", "ru"}, {"slk", "sk"}, {"spa", "es"},
  };
  const auto it = kCodes.find(code);
  return it == kCodes.end() ? code : it->second;
}

}  // namespace

std::vector<LabelledText> read_labelled_jsonl(const std::string& path) {
  std::ifstream in = open_or_fail(path);
  std::vector<LabelledText> out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      fail("{}:{}: not valid JSON: {}", path, number, e.what());
    }
    if (!j.is_object()) fail("{}:{}: expected an object, found {}", path, number, j.type_name());
    auto field = [&](const char* name, bool required) -> std::string {
      const auto it = j.find(name);
      if (it == j.end()) {
        if (required) fail("{}:{}: {}: missing", path, number, name);
        return {};
      }
      if (!it->is_string()) fail("{}:{}: {}: expected a string, found {}", path, number, name, it->type_name());
      return it->get<std::string>();
    };
    out.push_back({field("lang", true), field("split", false), field("text", true)});
  }
  return out;
}

std::vector<LabelledText> read_tatoeba_tsv(const std::string& path, const std::string& split) {
  std::ifstream in = open_or_fail(path);
  std::vector<LabelledText> out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto tab1 = line.find('\t');
    const auto tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos) fail("{}:{}: expected id<TAB>language<TAB>sentence", path, number);
    out.push_back({iso639_1(line.substr(tab1 + 1, tab2 - tab1 - 1)), split, line.substr(tab2 + 1)});
  }
  return out;
}

}  // namespace sextant::trainer

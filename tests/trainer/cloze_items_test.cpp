// Next-word cloze items from held-out text: the blank, the distractors, the label, the seed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "trainer/data/cloze_items.hpp"

using namespace sextant::trainer;

namespace {
// "w" followed by n (built in two steps: GCC 12 misreads `"w" + std::to_string(n)` as an overlapping copy).
std::string word(int n) {
  std::string w = "w";
  w += std::to_string(n);
  return w;
}
}  // namespace

TEST_CASE("cloze items ask for the word that follows their context, among four of the document", "[trainer][data]") {
  std::string doc;
  for (int i = 0; i < 60; ++i) {
    doc += 'w';
    doc += std::to_string(i);
    doc += i % 7 == 6 ? '\n' : ' ';
  }
  const std::vector<std::string> docs = {doc, "too short to ask about", "没有空格的中文文本没有空格的中文文本没有空格的中文文本"};
  const auto items = make_cloze_items(docs, 7);
  REQUIRE(items.size() == 1);
  const ClozeItem& item = items[0];
  REQUIRE(item.choices.size() == 4);
  CHECK(std::set<std::string>(item.choices.begin(), item.choices.end()).size() == 4);
  // The context is the words just before the blank; the true choice is the next word.
  const std::string last = item.context.substr(item.context.rfind(' ') + 1);
  const int before = std::stoi(last.substr(1));
  CHECK(item.choices[static_cast<std::size_t>(item.label)] == word(before + 1));
  const std::string first = word(std::max(0, before - 39));
  CHECK(item.context.rfind(first + " ", 0) == 0);
  for (const auto& c : item.choices) CHECK(doc.find(c) != std::string::npos);
  // The same seed, the same items; another seed, another blank.
  CHECK(cloze_items_jsonl(make_cloze_items(docs, 7)) == cloze_items_jsonl(items));
  CHECK(cloze_items_jsonl(make_cloze_items(docs, 8)) != cloze_items_jsonl(items));
}

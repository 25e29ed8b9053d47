// Cutting held-out documents into next-word multiple-choice items.
#include "trainer/data/cloze_items.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "trainer/data/hashing.hpp"

namespace sextant::trainer {
namespace {

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::string w;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t') {
      if (!w.empty()) words.push_back(std::move(w)), w.clear();
    } else {
      w += c;
    }
  }
  if (!w.empty()) words.push_back(std::move(w));
  return words;
}

}  // namespace

std::vector<ClozeItem> make_cloze_items(const std::vector<std::string>& documents, std::uint64_t seed) {
  constexpr std::size_t kMinWords = 24, kContextWords = 40;
  std::vector<ClozeItem> items;
  for (std::size_t d = 0; d < documents.size(); ++d) {
    const std::vector<std::string> words = words_of(documents[d]);
    if (words.size() < kMinWords) continue;
    std::uint64_t state = mix64(seed ^ mix64(d + 1));
    auto next = [&](std::uint64_t bound) { return (state = mix64(state + 0x9E3779B97F4A7C15ull)) % bound; };
    // The blank: one of the words after the first 16, so that there is context.
    const std::size_t blank = 16 + next(words.size() - 16);
    const std::string& answer = words[blank];
    std::vector<std::string> others;
    for (const std::string& w : words)
      if (w != answer && std::find(others.begin(), others.end(), w) == others.end()) others.push_back(w);
    if (others.size() < 3) continue;
    ClozeItem item;
    const std::size_t first = blank > kContextWords ? blank - kContextWords : 0;
    for (std::size_t i = first; i < blank; ++i) {
      if (i > first) item.context += ' ';
      item.context += words[i];
    }
    item.choices.push_back(answer);
    for (int k = 0; k < 3; ++k) {
      const std::size_t pick = next(others.size());
      item.choices.push_back(others[pick]);
      others.erase(others.begin() + static_cast<std::ptrdiff_t>(pick));
    }
    // Fisher-Yates with the same generator; the label follows the true word.
    for (std::size_t i = item.choices.size() - 1; i > 0; --i) std::swap(item.choices[i], item.choices[next(i + 1)]);
    item.label = static_cast<int>(std::find(item.choices.begin(), item.choices.end(), answer) - item.choices.begin());
    items.push_back(std::move(item));
  }
  return items;
}

std::string cloze_items_jsonl(const std::vector<ClozeItem>& items) {
  std::string out;
  for (const ClozeItem& i : items)
    out += nlohmann::json({{"context", i.context}, {"choices", i.choices}, {"label", i.label}}).dump() + "\n";
  return out;
}

}  // namespace sextant::trainer

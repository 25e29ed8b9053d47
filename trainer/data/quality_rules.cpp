// Measuring a document for the Gopher rules and checking the measures against thresholds.
#include "trainer/data/quality_rules.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/config_object.hpp"
#include "core/error.hpp"
#include "metrics/unicode_properties.hpp"
#include "metrics/utf8.hpp"
#include "runtime/tokenizer/unicode.hpp"
#include "trainer/data/hashing.hpp"
#include "trainer/data/text_words.hpp"

namespace sextant::trainer {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Arithmetic mod the Mersenne prime 2^61 - 1, for polynomial string hashes that, unlike
// those mod 2^64, no family of strings (Thue-Morse) makes collide.
constexpr std::uint64_t kMersenne61 = (std::uint64_t{1} << 61) - 1;
constexpr std::uint64_t kPolyBase = 0x1d8e4e27c47d124full % kMersenne61;

// Operands below 2^62; the result fully reduced, so that equal residues are equal keys.
std::uint64_t add_mod(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = a + b;
  r = (r & kMersenne61) + (r >> 61);
  return r >= kMersenne61 ? r - kMersenne61 : r;
}

std::uint64_t mul_mod(std::uint64_t a, std::uint64_t b) {
  const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return add_mod(static_cast<std::uint64_t>(p & kMersenne61), static_cast<std::uint64_t>(p >> 61));
}

// One row per rule: its threshold (and JSON key), which side it bounds, and its measure.
// The order is the order in which rules are checked.
enum class Bound { kMin, kMax };
struct RuleRow {
  const char* key;
  std::optional<double> QualityRules::*threshold;
  Bound bound;
  double QualityMeasures::*measure;
};
constexpr RuleRow kRules[] = {
    {"min_words", &QualityRules::min_words, Bound::kMin, &QualityMeasures::words},
    {"max_words", &QualityRules::max_words, Bound::kMax, &QualityMeasures::words},
    {"min_mean_word_length", &QualityRules::min_mean_word_length, Bound::kMin, &QualityMeasures::mean_word_length},
    {"max_mean_word_length", &QualityRules::max_mean_word_length, Bound::kMax, &QualityMeasures::mean_word_length},
    {"max_hash_to_word_ratio", &QualityRules::max_hash_to_word_ratio, Bound::kMax,
     &QualityMeasures::hash_to_word_ratio},
    {"max_ellipsis_to_word_ratio", &QualityRules::max_ellipsis_to_word_ratio, Bound::kMax,
     &QualityMeasures::ellipsis_to_word_ratio},
    {"max_bullet_line_fraction", &QualityRules::max_bullet_line_fraction, Bound::kMax,
     &QualityMeasures::bullet_line_fraction},
    {"max_ellipsis_line_fraction", &QualityRules::max_ellipsis_line_fraction, Bound::kMax,
     &QualityMeasures::ellipsis_line_fraction},
    {"max_non_alpha_word_fraction", &QualityRules::max_non_alpha_word_fraction, Bound::kMax,
     &QualityMeasures::non_alpha_word_fraction},
    {"min_stop_words", &QualityRules::min_stop_words, Bound::kMin, &QualityMeasures::stop_words},
    {"max_duplicate_paragraph_fraction", &QualityRules::max_duplicate_paragraph_fraction, Bound::kMax,
     &QualityMeasures::duplicate_paragraph_fraction},
    {"max_duplicate_paragraph_char_fraction", &QualityRules::max_duplicate_paragraph_char_fraction, Bound::kMax,
     &QualityMeasures::duplicate_paragraph_char_fraction},
    {"max_duplicate_line_fraction", &QualityRules::max_duplicate_line_fraction, Bound::kMax,
     &QualityMeasures::duplicate_line_fraction},
    {"max_duplicate_line_char_fraction", &QualityRules::max_duplicate_line_char_fraction, Bound::kMax,
     &QualityMeasures::duplicate_line_char_fraction},
    {"max_top_2gram_char_fraction", &QualityRules::max_top_2gram_char_fraction, Bound::kMax,
     &QualityMeasures::top_2gram_char_fraction},
    {"max_top_3gram_char_fraction", &QualityRules::max_top_3gram_char_fraction, Bound::kMax,
     &QualityMeasures::top_3gram_char_fraction},
    {"max_top_4gram_char_fraction", &QualityRules::max_top_4gram_char_fraction, Bound::kMax,
     &QualityMeasures::top_4gram_char_fraction},
    {"max_duplicate_5gram_char_fraction", &QualityRules::max_duplicate_5gram_char_fraction, Bound::kMax,
     &QualityMeasures::duplicate_5gram_char_fraction},
    {"max_duplicate_6gram_char_fraction", &QualityRules::max_duplicate_6gram_char_fraction, Bound::kMax,
     &QualityMeasures::duplicate_6gram_char_fraction},
    {"max_duplicate_7gram_char_fraction", &QualityRules::max_duplicate_7gram_char_fraction, Bound::kMax,
     &QualityMeasures::duplicate_7gram_char_fraction},
    {"max_duplicate_8gram_char_fraction", &QualityRules::max_duplicate_8gram_char_fraction, Bound::kMax,
     &QualityMeasures::duplicate_8gram_char_fraction},
    {"max_duplicate_9gram_char_fraction", &QualityRules::max_duplicate_9gram_char_fraction, Bound::kMax,
     &QualityMeasures::duplicate_9gram_char_fraction},
    {"max_duplicate_10gram_char_fraction", &QualityRules::max_duplicate_10gram_char_fraction, Bound::kMax,
     &QualityMeasures::duplicate_10gram_char_fraction},
    {"max_digit_fraction", &QualityRules::max_digit_fraction, Bound::kMax, &QualityMeasures::digit_fraction},
};

// An open-addressing table from 64-bit hashes to a count and the position of the first
// occurrence. Keys are already well-mixed hashes, so the low bits index the slots.
class HashCounter {
 public:
  explicit HashCounter(std::size_t expected) {
    std::size_t capacity = 16;
    while (capacity < 2 * expected) capacity *= 2;
    mask_ = capacity - 1;
    slots_.assign(capacity, Slot{});
  }

  // Counts one occurrence of `key` at `position`; returns the count so far.
  std::uint32_t add(std::uint64_t key, std::uint32_t position) {
    Slot& s = find(key);
    if (s.count++ == 0) {
      s.key = key;
      s.first = position;
    }
    return s.count;
  }

  // Inserts `key`; false when it was there already.
  bool insert(std::uint64_t key) { return add(key, 0) == 1; }

  // The position of the most frequent key; ties go to the earliest first occurrence (as
  // Python's Counter.most_common(1) does, since dicts keep insertion order).
  std::pair<std::uint32_t, std::uint32_t> top() const {
    std::uint32_t best_count = 0, best_first = 0;
    for (const Slot& s : slots_) {
      if (s.count > best_count || (s.count == best_count && s.count > 0 && s.first < best_first)) {
        best_count = s.count;
        best_first = s.first;
      }
    }
    return {best_count, best_first};
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t count = 0;
    std::uint32_t first = 0;
  };
  Slot& find(std::uint64_t key) {
    std::size_t i = key & mask_;
    while (slots_[i].count != 0 && slots_[i].key != key) i = (i + 1) & mask_;
    return slots_[i];
  }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

struct Span {
  std::size_t begin;
  std::size_t length;
};

// Python's re.split(separator_run, text) for a separator of `min_run` or more '\n'.
std::vector<Span> split_on_newline_runs(std::u32string_view text, std::size_t offset, std::size_t min_run) {
  std::vector<Span> parts;
  std::size_t start = 0, i = 0;
  while (i < text.size()) {
    if (text[i] != '\n') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] == '\n') ++j;
    if (j - i >= min_run) {
      parts.push_back({offset + start, i - start});
      start = j;
    }
    i = j;
  }
  parts.push_back({offset + start, text.size() - start});
  return parts;
}

// Python's str.splitlines().
std::vector<Span> split_lines(std::u32string_view text) {
  std::vector<Span> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    const bool is_break = c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e) || c == 0x85 ||
                          c == 0x2028 || c == 0x2029;
    if (!is_break) continue;
    lines.push_back({start, i - start});
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back({start, text.size() - start});
  return lines;
}

// Python's str.strip().
std::u32string_view strip(std::u32string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool ends_with_ellipsis(std::u32string_view s) {
  return (s.size() >= 3 && s.substr(s.size() - 3) == U"...") || (!s.empty() && s.back() == U'\u2026');
}

// find_duplicates() of datatrove: the parts equal to an earlier part, and their characters.
std::pair<std::size_t, std::size_t> duplicates(std::u32string_view text, const std::vector<Span>& parts) {
  HashCounter seen(parts.size());
  std::size_t count = 0, chars = 0;
  for (const Span& p : parts) {
    if (!seen.insert(hash_code_points(text.substr(p.begin, p.length)))) {
      ++count;
      chars += p.length;
    }
  }
  return {count, chars};
}

double ratio(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : kNaN; }

std::optional<double> threshold_from(const ConfigObject& object, const std::string& key,
                                     std::optional<double> fallback) {
  if (!object.has(key)) return fallback;
  const nlohmann::json& v = object.raw(key);
  if (v.is_null()) return std::nullopt;
  if (!v.is_number()) fail("{}: expected a number or null, found {}", object.where(key), v.dump());
  return v.get<double>();
}

}  // namespace

QualityRules QualityRules::from_json(const nlohmann::json& j, const std::string& where) {
  const ConfigObject object(j, where);
  QualityRules rules;
  for (const RuleRow& row : kRules) rules.*row.threshold = threshold_from(object, row.key, rules.*row.threshold);
  if (object.has("stop_words")) rules.stop_words = object.texts("stop_words");
  for (const auto& item : j.items()) {
    const bool known = item.key() == "stop_words" || std::any_of(std::begin(kRules), std::end(kRules),
                                                                 [&](const RuleRow& r) { return item.key() == r.key; });
    if (!known) fail("{}: unknown key", object.where(item.key()));
  }
  return rules;
}

QualityMeasures measure_quality(std::string_view utf8, const std::vector<std::string>& stop_words) {
  const std::u32string text = metrics::decode_utf8(utf8);
  const auto text_length = static_cast<double>(text.size());
  const std::u32string_view view(text);
  QualityMeasures m;

  // Words and the per-word measures.
  const std::vector<Word> words = split_words(view);
  std::size_t non_symbol = 0, non_symbol_chars_counted = 0, non_symbol_chars = 0, non_alpha = 0;
  std::vector<std::u32string> stop_words32;
  std::size_t longest_stop_word = 0;
  for (const std::string& w : stop_words) {
    stop_words32.push_back(metrics::to_lower(metrics::decode_utf8(w)));
    longest_stop_word = std::max(longest_stop_word, stop_words32.back().size());
  }
  std::vector<bool> stop_word_seen(stop_words32.size(), false);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::u32string_view w = view.substr(words[i].begin, words[i].length);
    bool symbol_only = true, has_alpha = false;
    for (char32_t c : w) {
      symbol_only = symbol_only && is_symbol(c);
      has_alpha = has_alpha || is_alpha(c);
    }
    if (!symbol_only) {
      ++non_symbol;
      if (!(w.size() == 1 && is_cjk(w[0]))) {
        ++non_symbol_chars_counted;
        non_symbol_chars += w.size();
      }
    }
    if (!has_alpha) ++non_alpha;
    if (!stop_words32.empty()) {
      std::u32string_view core = w;
      while (!core.empty() && is_symbol(core.front())) core.remove_prefix(1);
      while (!core.empty() && is_symbol(core.back())) core.remove_suffix(1);
      if (!core.empty() && core.size() <= longest_stop_word) {
        const std::u32string lowered = metrics::to_lower(core);
        for (std::size_t s = 0; s < stop_words32.size(); ++s)
          stop_word_seen[s] = stop_word_seen[s] || lowered == stop_words32[s];
      }
    }
  }
  const auto n_words = static_cast<double>(words.size());
  m.words = static_cast<double>(non_symbol);
  m.mean_word_length = ratio(static_cast<double>(non_symbol_chars), static_cast<double>(non_symbol_chars_counted));
  m.non_alpha_word_fraction = ratio(static_cast<double>(non_alpha), n_words);
  m.stop_words = static_cast<double>(std::count(stop_word_seen.begin(), stop_word_seen.end(), true));

  // Character counts: '#', ellipses, digits.
  std::size_t hashes = 0, ellipses = 0, digits = 0, non_space = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == '#') ++hashes;
    if (c == U'\u2026') ++ellipses;
    if (c == '.' && i + 2 < text.size() && text[i + 1] == '.' && text[i + 2] == '.') {
      ++ellipses;
      i += 2;
      non_space += 3;
      continue;
    }
    if (!is_space(c)) ++non_space;
    if (c < 0x80 ? (c >= '0' && c <= '9') : (runtime::unicode_flags(c) & runtime::kNumber) != 0) ++digits;
  }
  m.hash_to_word_ratio = ratio(static_cast<double>(hashes), n_words);
  m.ellipsis_to_word_ratio = ratio(static_cast<double>(ellipses), n_words);
  m.digit_fraction = ratio(static_cast<double>(digits), static_cast<double>(non_space));

  // Lines as str.splitlines() gives them: bullets and trailing ellipses.
  const std::vector<Span> lines = split_lines(view);
  std::size_t bullets = 0, trailing_ellipses = 0;
  for (const Span& line : lines) {
    const std::u32string_view s = view.substr(line.begin, line.length);
    std::size_t lead = 0;
    while (lead < s.size() && is_space(s[lead])) ++lead;
    if (lead < s.size() && (s[lead] == U'\u2022' || s[lead] == '-')) ++bullets;
    std::size_t end = s.size();
    while (end > 0 && is_space(s[end - 1])) --end;
    if (ends_with_ellipsis(s.substr(0, end))) ++trailing_ellipses;
  }
  m.bullet_line_fraction = ratio(static_cast<double>(bullets), static_cast<double>(lines.size()));
  m.ellipsis_line_fraction = ratio(static_cast<double>(trailing_ellipses), static_cast<double>(lines.size()));

  // Repeated paragraphs (of the stripped text) and lines.
  const std::u32string_view stripped = strip(view);
  const auto paragraphs = split_on_newline_runs(stripped, static_cast<std::size_t>(stripped.data() - view.data()), 2);
  const auto [dup_paragraphs, dup_paragraph_chars] = duplicates(view, paragraphs);
  m.duplicate_paragraph_fraction = ratio(static_cast<double>(dup_paragraphs), static_cast<double>(paragraphs.size()));
  m.duplicate_paragraph_char_fraction = ratio(static_cast<double>(dup_paragraph_chars), text_length);
  const auto newline_lines = split_on_newline_runs(view, 0, 1);
  const auto [dup_lines, dup_line_chars] = duplicates(view, newline_lines);
  m.duplicate_line_fraction = ratio(static_cast<double>(dup_lines), static_cast<double>(newline_lines.size()));
  m.duplicate_line_char_fraction = ratio(static_cast<double>(dup_line_chars), text_length);

  // Word n-grams, identified as datatrove identifies them: a top n-gram by its words joined
  // with spaces, a duplicated n-gram by its words joined with nothing (so "ab c" and "a bc"
  // are the same 2-gram there, a quirk kept so that the measures agree). Both are
  // polynomial hashes mod 2^61 - 1, extended by one word per order: spaced[i] and joined[i]
  // cover words i..i+n-1 for the current n. char_prefix and gap_prefix give an n-gram's
  // characters, with one separator per whitespace gap (" ".join counts one per word).
  std::vector<std::uint64_t> word_poly(words.size()), word_power(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::uint64_t h = 0, power = 1;
    for (char32_t c : view.substr(words[i].begin, words[i].length)) {
      h = add_mod(mul_mod(h, kPolyBase), c);
      power = mul_mod(power, kPolyBase);
    }
    word_poly[i] = h;
    word_power[i] = power;
  }
  std::vector<std::uint64_t> spaced(word_poly), joined(word_poly);
  std::vector<std::size_t> char_prefix(words.size() + 1, 0), gap_prefix(words.size() + 1, 0);
  for (std::size_t i = 0; i < words.size(); ++i) {
    char_prefix[i + 1] = char_prefix[i] + words[i].length;
    gap_prefix[i + 1] = gap_prefix[i] + (words[i].after_space ? 1 : 0);
  }
  double* const top_fractions[] = {&m.top_2gram_char_fraction, &m.top_3gram_char_fraction, &m.top_4gram_char_fraction};
  double* const dup_fractions[] = {&m.duplicate_5gram_char_fraction, &m.duplicate_6gram_char_fraction,
                                   &m.duplicate_7gram_char_fraction, &m.duplicate_8gram_char_fraction,
                                   &m.duplicate_9gram_char_fraction, &m.duplicate_10gram_char_fraction};
  for (std::size_t n = 2; n <= 10; ++n) {
    const std::size_t count = words.size() >= n ? words.size() - n + 1 : 0;
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t last = i + n - 1;
      spaced[i] = add_mod(mul_mod(add_mod(mul_mod(spaced[i], kPolyBase), ' '), word_power[last]), word_poly[last]);
      joined[i] = add_mod(mul_mod(joined[i], word_power[last]), word_poly[last]);
    }
    if (n <= 4) {
      // datatrove's find_top_duplicate: the most frequent n-gram's characters times its count.
      double& out = *top_fractions[n - 2];
      if (count == 0) {
        out = 0;
        continue;
      }
      HashCounter counter(count);
      for (std::size_t i = 0; i < count; ++i) counter.add(mix64(spaced[i]), static_cast<std::uint32_t>(i));
      const auto [top_count, first] = counter.top();
      const std::size_t chars =
          char_prefix[first + n] - char_prefix[first] + gap_prefix[first + n] - gap_prefix[first + 1];
      out = ratio(static_cast<double>(chars) * top_count, text_length);
    } else {
      // datatrove's find_all_duplicate: a repeated n-gram's characters count once, and the
      // scan skips past it, so overlapping repeats are not counted twice.
      HashCounter seen(count);
      std::size_t repeated = 0;
      for (std::size_t i = 0; i < count;) {
        if (seen.insert(mix64(joined[i]))) {
          ++i;
        } else {
          repeated += char_prefix[i + n] - char_prefix[i];
          i += n;
        }
      }
      *dup_fractions[n - 5] = ratio(static_cast<double>(repeated), text_length);
    }
  }
  return m;
}

QualityVerdict check_quality(const QualityRules& rules, const QualityMeasures& measures) {
  for (const RuleRow& row : kRules) {
    const std::optional<double>& threshold = rules.*row.threshold;
    if (!threshold) continue;
    const double value = measures.*row.measure;
    const bool fails = row.bound == Bound::kMin ? value < *threshold : value > *threshold;  // NaN passes
    if (fails) return {false, row.key, value, *threshold};
  }
  return {};
}

QualityVerdict check_quality(const QualityRules& rules, std::string_view text) {
  static const std::vector<std::string> kNoStopWords;
  return check_quality(rules, measure_quality(text, rules.min_stop_words ? rules.stop_words : kNoStopWords));
}

}  // namespace sextant::trainer

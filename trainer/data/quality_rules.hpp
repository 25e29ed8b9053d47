// Gopher-style rule-based document filters: the measures of a text, the thresholds, and the first rule a text fails.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sextant::trainer {

// What the rules measure on one document. Lengths and fractions count code points, as
// Python's len() does. "Words" are split_words() (CJK characters are words of their own);
// symbol words are those made only of punctuation, symbols and control characters.
// A measure that does not exist for a text (the mean length of no words) is NaN, and a
// rule on a NaN measure passes.
struct QualityMeasures {
  double words = 0;                              // non-symbol words
  double mean_word_length = 0;                   // over non-symbol words that are not CJK characters
  double hash_to_word_ratio = 0;                 // '#' per word (all words)
  double ellipsis_to_word_ratio = 0;             // "..." (non-overlapping) and '…' per word
  double bullet_line_fraction = 0;               // lines (str.splitlines) starting with '•' or '-'
  double ellipsis_line_fraction = 0;             // lines ending with "..." or '…'
  double non_alpha_word_fraction = 0;            // words without an alphabetic character
  double stop_words = 0;                         // distinct stop words present (lowercased, punctuation trimmed)
  double duplicate_paragraph_fraction = 0;       // paragraphs (split on \n\n+) seen before
  double duplicate_paragraph_char_fraction = 0;  // their characters over the text's
  double duplicate_line_fraction = 0;            // lines (split on \n+) seen before
  double duplicate_line_char_fraction = 0;
  // Word n-grams, measured as datatrove's GopherRepetitionFilter measures them. Top: the
  // most frequent n-gram (ties to the earliest) with one separator per whitespace gap, times
  // its count. Duplicate: scanning left to right, each n-gram seen before adds its
  // characters (without separators) and the scan skips past it; n-grams are compared as
  // their words joined without separators, so "ab c" and "a bc" are the same 2-gram, a
  // quirk of the reference kept so that the values agree with it. All over the text's length.
  double top_2gram_char_fraction = 0;
  double top_3gram_char_fraction = 0;
  double top_4gram_char_fraction = 0;
  double duplicate_5gram_char_fraction = 0;
  double duplicate_6gram_char_fraction = 0;
  double duplicate_7gram_char_fraction = 0;
  double duplicate_8gram_char_fraction = 0;
  double duplicate_9gram_char_fraction = 0;
  double duplicate_10gram_char_fraction = 0;
  double digit_fraction = 0;  // numeric characters over non-space characters
};

// The thresholds; an absent one (JSON null) turns its rule off. The defaults are Gopher's
// (Rae et al. 2021, table A1), as datatrove's GopherQualityFilter and
// GopherRepetitionFilter apply them, except two: the stop-word rule is off, because its
// words are English and a multilingual corpus would lose every other language to it; and
// the digit fraction, which Gopher does not have.
struct QualityRules {
  std::optional<double> min_words = 50;
  std::optional<double> max_words = 100000;
  std::optional<double> min_mean_word_length = 3;
  std::optional<double> max_mean_word_length = 10;
  std::optional<double> max_hash_to_word_ratio = 0.1;
  std::optional<double> max_ellipsis_to_word_ratio = 0.1;
  std::optional<double> max_bullet_line_fraction = 0.9;
  std::optional<double> max_ellipsis_line_fraction = 0.3;
  std::optional<double> max_non_alpha_word_fraction = 0.2;
  std::optional<double> min_stop_words;
  std::vector<std::string> stop_words = {"the", "be", "to", "of", "and", "that", "have", "with"};
  std::optional<double> max_duplicate_paragraph_fraction = 0.3;
  std::optional<double> max_duplicate_paragraph_char_fraction = 0.2;
  std::optional<double> max_duplicate_line_fraction = 0.3;
  std::optional<double> max_duplicate_line_char_fraction = 0.2;
  std::optional<double> max_top_2gram_char_fraction = 0.2;
  std::optional<double> max_top_3gram_char_fraction = 0.18;
  std::optional<double> max_top_4gram_char_fraction = 0.16;
  std::optional<double> max_duplicate_5gram_char_fraction = 0.15;
  std::optional<double> max_duplicate_6gram_char_fraction = 0.14;
  std::optional<double> max_duplicate_7gram_char_fraction = 0.13;
  std::optional<double> max_duplicate_8gram_char_fraction = 0.12;
  std::optional<double> max_duplicate_9gram_char_fraction = 0.11;
  std::optional<double> max_duplicate_10gram_char_fraction = 0.10;
  std::optional<double> max_digit_fraction = 0.25;

  // Starts from the defaults and sets the keys present; `where` names the object in errors
  // ("configs/train/filters.json: quality"). An unknown key or a value that is neither a
  // number nor null is an error naming the key.
  static QualityRules from_json(const nlohmann::json& j, const std::string& where);
};

QualityMeasures measure_quality(std::string_view text, const std::vector<std::string>& stop_words = {});

struct QualityVerdict {
  bool pass = true;
  std::string_view rule;  // the failed threshold's key ("max_top_2gram_char_fraction"); empty on pass
  double value = 0;       // what the text measured
  double threshold = 0;
};

// The first rule that fails, in the order of the fields of QualityRules (the order in which
// the reference filters test them).
QualityVerdict check_quality(const QualityRules& rules, const QualityMeasures& measures);
QualityVerdict check_quality(const QualityRules& rules, std::string_view text);

}  // namespace sextant::trainer

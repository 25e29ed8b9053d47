// The Gopher rules: each rule tripped alone by a text built for it, CJK words, the JSON config, and datatrove's values
// on real paragraphs.
#include "trainer/data/quality_rules.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <iterator>

#include "core/error.hpp"
#include "tests/test_paths.hpp"

using namespace sextant::trainer;

namespace {

// Appends the parts to `s`, after `separator` unless `s` is empty.
void append(std::string& s, std::string_view separator, std::initializer_list<std::string_view> parts) {
  if (!s.empty()) s += separator;
  for (std::string_view p : parts) s += p;
}

// Random lowercase words from a fixed seed: distinct in practice, so that a text of them has
// no repeated n-grams unless a test puts them there.
class RandomWords {
 public:
  explicit RandomWords(std::uint64_t seed) : state_(seed) {}
  std::string word(int length) {
    std::string w;
    for (int i = 0; i < length; ++i) w += static_cast<char>('a' + next() % 26);
    return w;
  }
  // `count` words of `length` letters, joined by single spaces.
  std::string words(int count, int length) {
    std::string s;
    for (int i = 0; i < count; ++i) append(s, " ", {word(length)});
    return s;
  }

 private:
  std::uint64_t next() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return state_ >> 33;
  }
  std::uint64_t state_;
};

// Lines of `per_line` words, `lines` of them, each ending with a full stop.
std::string clean_lines(RandomWords& r, int lines, int per_line, int length = 6) {
  std::string s;
  for (int i = 0; i < lines; ++i) append(s, "\n", {r.words(per_line, length), "."});
  return s;
}

QualityRules without(const std::string& key) {
  nlohmann::json j;
  j[key] = nullptr;
  return QualityRules::from_json(j, "test");
}

// The text fails `key` under the default rules, and passes every other rule: with `key`
// turned off it passes.
void check_trips_only(const std::string& text, const std::string& key, const QualityRules& rules = {}) {
  const QualityVerdict verdict = check_quality(rules, text);
  INFO("rule " << key << ", measured " << verdict.value << " against " << verdict.threshold);
  CHECK_FALSE(verdict.pass);
  CHECK(verdict.rule == key);
  QualityRules relaxed = without(key);
  relaxed.min_stop_words = rules.min_stop_words;
  if (key == "min_stop_words") relaxed.min_stop_words.reset();
  const QualityVerdict rest = check_quality(relaxed, text);
  INFO("with it off: " << rest.rule << " measured " << rest.value);
  CHECK(rest.pass);
}

// A text of random 8-letter words (one line) in which a phrase of `phrase_words` words
// occurs `copies` times, spread evenly, so that its repeated share of the characters is
// about `share` (characters of one copy times copies - 1, over the text).
std::string text_with_repeated_phrase(int phrase_words, int copies, double share) {
  RandomWords r(phrase_words * 7919);
  const std::string phrase = r.words(phrase_words, 8);
  const double repeated = 8.0 * phrase_words * (copies - 1);
  const int total_words = static_cast<int>(std::lround(repeated / share / 9.0));
  const int filler_per_gap = (total_words - phrase_words * copies) / copies;
  std::string s;
  for (int c = 0; c < copies; ++c) append(s, " ", {r.words(filler_per_gap, 8), " ", phrase});
  return s;
}

}  // namespace

TEST_CASE("a clean text of ordinary words passes every default rule", "[trainer]") {
  RandomWords r(1);
  const std::string text = clean_lines(r, 12, 10);
  const QualityVerdict verdict = check_quality(QualityRules{}, text);
  CHECK(verdict.pass);
  CHECK(verdict.rule.empty());
  const QualityMeasures m = measure_quality(text);
  CHECK(m.words == 120);
  CHECK(m.mean_word_length == Approx(6 + 12.0 / 120));  // the full stops belong to the last words
}

TEST_CASE("word count bounds trip on too few and too many words", "[trainer]") {
  RandomWords r(2);
  check_trips_only(clean_lines(r, 4, 10), "min_words");
  CHECK(check_quality(QualityRules{}, clean_lines(r, 4, 10)).value == 40);
  check_trips_only(clean_lines(r, 10001, 10, 4), "max_words");
}

TEST_CASE("symbol-only words do not count as words", "[trainer]") {
  RandomWords r(3);
  const QualityMeasures m = measure_quality(r.words(45, 5) + " -- ... & * ;");
  CHECK(m.words == 45);
  CHECK(m.non_alpha_word_fraction == Approx(5.0 / 50));
}

TEST_CASE("mean word length bounds trip on short and long words", "[trainer]") {
  RandomWords r(4);
  check_trips_only(clean_lines(r, 8, 10, 2), "min_mean_word_length");
  check_trips_only(clean_lines(r, 8, 10, 12), "max_mean_word_length");
}

TEST_CASE("hash and ellipsis to word ratios trip above one in ten words", "[trainer]") {
  RandomWords r(5);
  std::string hashes, ellipses, ellipsis_chars;
  for (int i = 0; i < 100; ++i) {
    const std::string w = r.word(6);
    const bool marked = i % 7 == 0;
    append(hashes, " ", {marked ? "#" : "", w});
    append(ellipses, " ", {w, marked ? "..." : ""});
    append(ellipsis_chars, " ", {w, marked ? "\u2026" : ""});
  }
  check_trips_only(hashes, "max_hash_to_word_ratio");
  check_trips_only(ellipses, "max_ellipsis_to_word_ratio");
  check_trips_only(ellipsis_chars, "max_ellipsis_to_word_ratio");
  CHECK(measure_quality(hashes).hash_to_word_ratio == Approx(15.0 / 100));
  // "......" is two ellipses, "...." one, as str.count counts them.
  CHECK(measure_quality("a...... b.... c").ellipsis_to_word_ratio == Approx(3.0 / 3));
}

TEST_CASE("bullet and trailing-ellipsis line fractions trip on lists and cut-off lines", "[trainer]") {
  RandomWords r(6);
  std::string bullets, cut_off;
  for (int i = 0; i < 10; ++i) {
    append(bullets, "\n", {i % 2 ? "  - " : "\u2022 ", r.words(8, 6)});
    append(cut_off, "\n", {r.words(8, 6), i % 5 < 2 ? " ...  " : "."});
  }
  check_trips_only(bullets, "max_bullet_line_fraction");
  check_trips_only(cut_off, "max_ellipsis_line_fraction");
  CHECK(measure_quality(cut_off).ellipsis_line_fraction == Approx(0.4));
}

TEST_CASE("the non-alphabetic word fraction trips when a fifth of the words have no letter", "[trainer]") {
  RandomWords r(7);
  std::string text;
  for (int i = 0; i < 100; ++i) append(text, " ", {i % 4 == 0 ? std::string("&") : r.word(6)});
  check_trips_only(text, "max_non_alpha_word_fraction");
}

TEST_CASE("the stop-word rule counts distinct stop words, lowercased, punctuation trimmed", "[trainer]") {
  RandomWords r(8);
  QualityRules rules;
  rules.min_stop_words = 2;
  const std::string plain = clean_lines(r, 6, 10);
  check_trips_only(plain, "min_stop_words", rules);
  CHECK(check_quality(rules, plain + " The dog, and the cat.").pass);
  CHECK(check_quality(rules, plain + " the the the").value == 1);
  CHECK(check_quality(QualityRules{}, plain).pass);  // off by default
}

TEST_CASE("duplicate paragraph and line fractions trip on repeated blocks", "[trainer]") {
  RandomWords r(9);
  SECTION("a short paragraph repeated between long ones trips the paragraph count") {
    std::string text;
    for (int i = 0; i < 10; ++i) append(text, "\n\n", {clean_lines(r, 4, 10), "\n\nSee below."});
    check_trips_only(text, "max_duplicate_paragraph_fraction");
  }
  SECTION("a paragraph of sparse lines repeated once trips the paragraph characters only") {
    // The newlines inside the repeated paragraph count for it but not for its lines, and its
    // words are few (spaces pad the lines), so the line and n-gram rules stay below theirs.
    std::string line_gap(8, ' ');
    std::string block;
    for (int i = 0; i < 3; ++i) append(block, "\n", {r.word(5), line_gap, r.word(5), line_gap, r.word(5)});
    std::string text = block + "\n\n" + clean_lines(r, 2, 8, 7) + "\n\n" + block + "\n\n" + clean_lines(r, 2, 8, 7);
    // 470 characters: the block's 95 are above a fifth, its lines' 93 are not.
    append(text, " ", {r.word(static_cast<int>(470 - text.size() - 1))});
    check_trips_only(text, "max_duplicate_paragraph_char_fraction");
  }
  SECTION("a short line repeated inside different paragraphs trips the line count") {
    std::string text;
    for (int i = 0; i < 8; ++i) append(text, "\n\n", {clean_lines(r, 1, 10), "\nSee below."});
    check_trips_only(text, "max_duplicate_line_fraction");
  }
  SECTION("a long sparse line repeated in two paragraphs trips the line characters only") {
    const std::string gap(45, ' ');
    const std::string line = r.word(5) + gap + r.word(5) + gap + r.word(5);
    const std::string text = clean_lines(r, 2, 12, 5) + "\n" + line + "\n\n" + clean_lines(r, 2, 12, 5) + "\n" + line;
    check_trips_only(text, "max_duplicate_line_char_fraction");
  }
}

TEST_CASE("top n-gram fractions trip on one phrase said too often", "[trainer]") {
  // A phrase of n four-letter words, c times in a text of N characters, gives the top n-gram
  // (5n - 1) c / N and the top (n-1)-gram (5n - 6) c / N; c / N is set between the bounds.
  RandomWords r(10);
  for (const auto& [n, share, key] :
       {std::tuple{2, 0.025, "max_top_2gram_char_fraction"}, std::tuple{3, 0.0145, "max_top_3gram_char_fraction"},
        std::tuple{4, 0.0099, "max_top_4gram_char_fraction"}}) {
    const std::string phrase = r.words(n, 4);
    const int copies = 30;
    const int filler = static_cast<int>((1 / share - 5 * n) / 9);  // c / N = 1 / (9 filler + 5n)
    std::string text;
    for (int c = 0; c < copies; ++c) append(text, " ", {r.words(filler, 8), " ", phrase});
    check_trips_only(text, key);
  }
}

TEST_CASE("duplicated n-gram fractions trip, each alone, on a repeated phrase of that length", "[trainer]") {
  // A phrase of n words repeated gives the duplicated m-gram share floor(n / m) m x for
  // m <= n (x: one word's share of the characters times the repeats), and none for m > n;
  // each x is in the one interval where only the n-gram rule fails.
  for (const auto& [n, share, key] : {std::tuple{5, 0.034 * 5, "max_duplicate_5gram_char_fraction"},
                                      std::tuple{6, 0.0265 * 6, "max_duplicate_6gram_char_fraction"},
                                      std::tuple{7, 0.021 * 7, "max_duplicate_7gram_char_fraction"},
                                      std::tuple{8, 0.0168 * 8, "max_duplicate_8gram_char_fraction"},
                                      std::tuple{9, 0.0136 * 9, "max_duplicate_9gram_char_fraction"},
                                      std::tuple{10, 0.011 * 10, "max_duplicate_10gram_char_fraction"}}) {
    check_trips_only(text_with_repeated_phrase(n, 40, share), key);
  }
}

TEST_CASE("the digit fraction trips on text that is mostly numbers", "[trainer]") {
  RandomWords r(11);
  std::string text;
  for (int i = 0; i < 80; ++i) append(text, " ", {r.word(4), std::to_string(100 + i * 7)});
  check_trips_only(text, "max_digit_fraction");
  CHECK(measure_quality(text).digit_fraction == Approx(3.0 / 7));
}

TEST_CASE("CJK characters count as words and are left out of the mean word length", "[trainer]") {
  const std::string text =
      "在 Debian 这种规模的项目中，很难避免遇到与你意见不和，或者难以合作的人。我们应当保持礼貌，"
      "尊重他人的时间和劳动，并且耐心地解释自己的想法。";
  const QualityMeasures m = measure_quality(text);
  CHECK(m.words == 60);                                  // 59 Han characters and "Debian"; the punctuation is symbols
  CHECK(m.mean_word_length == 6);                        // "Debian" alone
  CHECK(m.non_alpha_word_fraction == Approx(6.0 / 66));  // the commas and full stops
  CHECK(check_quality(QualityRules{}, text).pass);
  // A text of CJK characters only has no mean word length, and its rules pass.
  const std::string han = text.substr(std::string("在 Debian ").size());
  const QualityMeasures han_measures = measure_quality(han);
  CHECK(han_measures.words == 58);
  CHECK(std::isnan(han_measures.mean_word_length));
  CHECK(check_quality(QualityRules{}, han).pass);
  // Adjacent CJK characters are not separated: a 2-gram of two of them is 2 characters.
  CHECK(measure_quality("我们我们我们").top_2gram_char_fraction == Approx(2.0 * 3 / 6));
}

TEST_CASE("quality rules read from JSON: values, null to turn off, unknown keys refused", "[trainer]") {
  const QualityRules rules = QualityRules::from_json(
      nlohmann::json::parse(R"({"min_words": 10, "max_digit_fraction": null, "stop_words": ["der", "die"]})"),
      "filters.json: quality");
  CHECK(rules.min_words == 10.0);
  CHECK_FALSE(rules.max_digit_fraction.has_value());
  CHECK(rules.max_words == 100000.0);
  CHECK(rules.stop_words == std::vector<std::string>{"der", "die"});
  CHECK_THROWS_WITH(QualityRules::from_json(nlohmann::json::parse(R"({"min_word": 10})"), "filters.json: quality"),
                    Catch::Contains("filters.json: quality.min_word") && Catch::Contains("unknown key"));
  CHECK_THROWS_WITH(QualityRules::from_json(nlohmann::json::parse(R"({"max_words": "many"})"), "filters.json: quality"),
                    Catch::Contains("filters.json: quality.max_words") && Catch::Contains("expected a number or null"));
  CHECK_THROWS_AS(QualityRules::from_json(nlohmann::json::array(), "filters.json"), sextant::Error);
}

TEST_CASE("Gopher measures and verdicts match datatrove's on real paragraphs", "[trainer]") {
  // tests/fixtures/trainer/quality_rule_goldens.json, from scripts/gen/quality_rule_goldens.py:
  // the same integer counts over the same lengths, so the values agree to rounding.
  std::ifstream in(sextant::testing::fixture("trainer/quality_rule_goldens.json"), std::ios::binary);
  const auto goldens = nlohmann::json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
  REQUIRE(goldens["texts"].size() >= 10);
  const QualityRules quality_only = QualityRules::from_json(
      nlohmann::json::parse(R"({"max_duplicate_paragraph_fraction": null, "max_duplicate_paragraph_char_fraction": null,
        "max_duplicate_line_fraction": null, "max_duplicate_line_char_fraction": null,
        "max_top_2gram_char_fraction": null, "max_top_3gram_char_fraction": null, "max_top_4gram_char_fraction": null,
        "max_duplicate_5gram_char_fraction": null, "max_duplicate_6gram_char_fraction": null,
        "max_duplicate_7gram_char_fraction": null, "max_duplicate_8gram_char_fraction": null,
        "max_duplicate_9gram_char_fraction": null, "max_duplicate_10gram_char_fraction": null,
        "max_digit_fraction": null})"),
      "quality only");
  const QualityRules repetition_only = QualityRules::from_json(
      nlohmann::json::parse(R"({"min_words": null, "max_words": null, "min_mean_word_length": null,
        "max_mean_word_length": null, "max_hash_to_word_ratio": null, "max_ellipsis_to_word_ratio": null,
        "max_bullet_line_fraction": null, "max_ellipsis_line_fraction": null, "max_non_alpha_word_fraction": null,
        "max_digit_fraction": null})"),
      "repetition only");
  const std::pair<const char*, double QualityMeasures::*> fields[] = {
      {"words", &QualityMeasures::words},
      {"mean_word_length", &QualityMeasures::mean_word_length},
      {"hash_to_word_ratio", &QualityMeasures::hash_to_word_ratio},
      {"ellipsis_to_word_ratio", &QualityMeasures::ellipsis_to_word_ratio},
      {"bullet_line_fraction", &QualityMeasures::bullet_line_fraction},
      {"ellipsis_line_fraction", &QualityMeasures::ellipsis_line_fraction},
      {"non_alpha_word_fraction", &QualityMeasures::non_alpha_word_fraction},
      {"duplicate_paragraph_fraction", &QualityMeasures::duplicate_paragraph_fraction},
      {"duplicate_paragraph_char_fraction", &QualityMeasures::duplicate_paragraph_char_fraction},
      {"duplicate_line_fraction", &QualityMeasures::duplicate_line_fraction},
      {"duplicate_line_char_fraction", &QualityMeasures::duplicate_line_char_fraction},
      {"top_2gram_char_fraction", &QualityMeasures::top_2gram_char_fraction},
      {"top_3gram_char_fraction", &QualityMeasures::top_3gram_char_fraction},
      {"top_4gram_char_fraction", &QualityMeasures::top_4gram_char_fraction},
      {"duplicate_5gram_char_fraction", &QualityMeasures::duplicate_5gram_char_fraction},
      {"duplicate_6gram_char_fraction", &QualityMeasures::duplicate_6gram_char_fraction},
      {"duplicate_7gram_char_fraction", &QualityMeasures::duplicate_7gram_char_fraction},
      {"duplicate_8gram_char_fraction", &QualityMeasures::duplicate_8gram_char_fraction},
      {"duplicate_9gram_char_fraction", &QualityMeasures::duplicate_9gram_char_fraction},
      {"duplicate_10gram_char_fraction", &QualityMeasures::duplicate_10gram_char_fraction},
  };
  int failing = 0;
  for (const auto& row : goldens["texts"]) {
    INFO(row["source"].get<std::string>());
    const std::string text = row["text"];
    const QualityMeasures m = measure_quality(text);
    for (const auto& [name, field] : fields) {
      INFO(name);
      CHECK(m.*field == Approx(row["measures"][name].get<double>()).margin(1e-12).epsilon(1e-12));
    }
    CHECK(check_quality(quality_only, text).rule == row["quality_verdict"].get<std::string>());
    CHECK(check_quality(repetition_only, text).rule == row["repetition_verdict"].get<std::string>());
    failing +=
        !row["quality_verdict"].get<std::string>().empty() || !row["repetition_verdict"].get<std::string>().empty();
  }
  CHECK(failing >= 5);  // the goldens exercise failures, not only passes
}

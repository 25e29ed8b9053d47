// The option letter a model's answer names, as OpenCompass's first_option_postprocess finds it.
#include "datasets/option_letter.hpp"

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "metrics/unicode_properties.hpp"
#include "metrics/utf8.hpp"

namespace sextant::datasets {

namespace {

// OpenCompass's patterns (opencompass/utils/text_postprocessors.py, first_option_postprocess,
// commit a5acc4bb) in their order, in Python re syntax with '@' standing for the option class
// [ABCD...]. They run with re.DOTALL. Upstream a missing comma joins the '故选' and
// '只有...是对' patterns into one; that joined pattern is kept, since it is what runs.
constexpr std::array<const char*, 52> kPatterns = {
    R"(答案是?\s*(@))",
    R"(答案是?\s*：\s*(@))",
    R"(答案是?\s*:\s*(@))",
    R"(答案选项应?该?是\s*(@))",
    R"(答案选项应?该?为\s*(@))",
    R"(答案应该?是\s*(@))",
    R"(答案应该?选\s*(@))",
    R"(答案选项为?\s*：\s*(@))",
    R"(答案选项为?\s+\(?\*?\*?(@)\*?\*?\)?)",
    R"(答案选项是?\s*:\s*(@))",
    R"(答案为\s*(@))",
    R"(答案选\s*(@))",
    R"(选择?\s*(@))",
    R"(故选?\s*(@)只有选?项?\s?(@)\s?是?对)",
    R"(只有选?项?\s?(@)\s?是?错)",
    R"(只有选?项?\s?(@)\s?不?正确)",
    R"(只有选?项?\s?(@)\s?错误)",
    R"(说法不?对选?项?的?是\s?(@))",
    R"(说法不?正确选?项?的?是\s?(@))",
    R"(说法错误选?项?的?是\s?(@))",
    R"((@)\s?是正确的)",
    R"((@)\s?是正确答案)",
    R"(选项\s?(@)\s?正确)",
    R"(所以答\s?(@))",
    R"(所以\s?(@[.。$]?$))",
    R"(所有\s?(@[.。$]?$))",
    R"([\s，：:,](@)[。，,\.]?$)",
    R"([\s，,：:][故即](@)[。\.]?$)",
    R"([\s，,：:]因此(@)[。\.]?$)",
    R"([是为。]\s?(@)[。\.]?$)",
    R"(因此\s?(@)[。\.]?$)",
    R"(显然\s?(@)[。\.]?$)",
    R"(答案是\s?(\S+)(?:。|$))",
    R"(答案应该是\s?(\S+)(?:。|$))",
    R"(答案为\s?(\S+)(?:。|$))",
    R"((?i)ANSWER\s*:\s*(@))",
    R"([Tt]he answer is:?\s+\(?(@)\)?)",
    R"([Tt]he answer is:?\s+\(?\*?\*?(@)\*?\*?\)?)",
    R"([Tt]he answer is option:?\s+\(?(@)\)?)",
    R"([Tt]he correct answer is:?\s+\(?(@)\)?)",
    R"([Tt]he correct answer is option:?\s+\(?(@)\)?)",
    R"([Tt]he correct answer is:?.*?boxed{(@)})",
    R"([Tt]he correct option is:?.*?boxed{(@)})",
    R"([Tt]he correct answer option is:?.*?boxed{(@)})",
    R"([Tt]he answer to the question is:?\s+\(?(@)\)?)",
    R"(^选项\s?(@))",
    R"(^(@)\s?选?项)",
    R"((\s|^)@[\s。，,：:\.$])",
    R"(1.\s?(.*?)$)",
    R"(1.\s?(@)[.。$]?$)",
    // The "cushion" patterns, on by default upstream and in every OpenCompass config.
    R"((@):)",
    R"((@))",
};

// What one position of the text must be: a code point, a class, any, \s, \S or an option.
struct CharTest {
  enum Kind : std::uint8_t { kLiteral, kClass, kAny, kSpace, kNotSpace, kOption } kind = kLiteral;
  char32_t literal = 0;
  std::u32string members;  // kClass
  bool class_has_space = false;
};

// The patterns need only single-character atoms with ?, *, + (greedy or lazy), anchors,
// alternations of single atoms and capture groups that never repeat, so a pattern is a flat
// list that the matcher walks with recursion no deeper than the list.
struct Step {
  enum Kind : std::uint8_t { kChars, kStart, kEnd, kOpen, kClose, kEither } kind = kChars;
  CharTest test;
  std::size_t min = 1, max = 1;  // kChars
  bool lazy = false;
  int group = 0;                   // kOpen, kClose
  std::vector<Step> alternatives;  // kEither: single characters or anchors, tried in order
};

struct Pattern {
  std::vector<Step> steps;
  bool ignore_case = false;
};

constexpr std::size_t kUnbounded = static_cast<std::size_t>(-1);

// Python's re case folding for the letters these patterns compare: ASCII, plus the four
// code points that its IGNORECASE also matches with an ASCII letter.
char32_t fold(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c == 0x130 || c == 0x131) return U'i';
  if (c == 0x17F) return U's';
  if (c == 0x212A) return U'k';
  return c;
}

// Python's $ without MULTILINE: the end, or just before a final newline.
bool at_end(std::u32string_view text, std::size_t pos) {
  return pos == text.size() || (pos + 1 == text.size() && text[pos] == U'\n');
}

class PatternParser {
 public:
  explicit PatternParser(std::u32string_view source) : source_(source) {}

  Pattern parse() {
    Pattern pattern;
    if (source_.substr(0, 4) == U"(?i)") {
      pattern.ignore_case = true;
      pos_ = 4;
    }
    pattern.steps = sequence();
    if (pos_ != source_.size()) broken("an unmatched ')'");
    return pattern;
  }

 private:
  [[noreturn]] void broken(const char* what) const {
    throw std::logic_error(fmt::format("option letter pattern: {} at code point {}", what, pos_));
  }

  bool more() const { return pos_ < source_.size(); }
  char32_t peek() const { return source_[pos_]; }

  // Atoms up to the end, a '|' or a ')'.
  std::vector<Step> sequence() {
    std::vector<Step> steps;
    while (more() && peek() != U'|' && peek() != U')') {
      const char32_t c = source_[pos_++];
      if (c == U'(') {
        group(steps);
        continue;
      }
      Step step;
      if (c == U'^') {
        step.kind = Step::kStart;
      } else if (c == U'$') {
        step.kind = Step::kEnd;
      } else {
        step.test = char_test(c);
        quantifier(step);
      }
      steps.push_back(std::move(step));
    }
    return steps;
  }

  void group(std::vector<Step>& steps) {
    int number = 0;
    if (source_.substr(pos_, 2) == U"?:") {
      pos_ += 2;
    } else {
      number = ++groups_;
    }
    std::vector<std::vector<Step>> alternatives{sequence()};
    while (more() && peek() == U'|') {
      ++pos_;
      alternatives.push_back(sequence());
    }
    if (!more() || source_[pos_++] != U')') broken("an unclosed group");
    if (more() && (peek() == U'?' || peek() == U'*' || peek() == U'+')) broken("a repeated group");
    if (number) steps.push_back(Step{Step::kOpen, {}, 1, 1, false, number, {}});
    if (alternatives.size() == 1) {
      for (auto& step : alternatives[0]) steps.push_back(std::move(step));
    } else {
      Step either;
      either.kind = Step::kEither;
      for (auto& alternative : alternatives) {
        if (alternative.size() != 1 || (alternative[0].kind == Step::kChars && alternative[0].max != 1)) {
          broken("an alternative longer than one character");
        }
        either.alternatives.push_back(std::move(alternative[0]));
      }
      steps.push_back(std::move(either));
    }
    if (number) steps.push_back(Step{Step::kClose, {}, 1, 1, false, number, {}});
  }

  CharTest char_test(char32_t c) {
    CharTest test;
    if (c == U'.') {
      test.kind = CharTest::kAny;
    } else if (c == U'@') {
      test.kind = CharTest::kOption;
    } else if (c == U'\\') {
      if (!more()) broken("a trailing backslash");
      const char32_t e = source_[pos_++];
      test.kind = e == U's' ? CharTest::kSpace : e == U'S' ? CharTest::kNotSpace : CharTest::kLiteral;
      test.literal = e;
    } else if (c == U'[') {
      test.kind = CharTest::kClass;
      while (more() && peek() != U']') {
        char32_t m = source_[pos_++];
        if (m == U'\\') {
          if (!more()) broken("a trailing backslash");
          m = source_[pos_++];
          if (m == U's') {
            test.class_has_space = true;
            continue;
          }
        }
        test.members.push_back(m);
      }
      if (!more()) broken("an unclosed class");
      ++pos_;
    } else {
      // Python reads '{' that does not start a repeat count, and '}', as literals.
      test.literal = c;
    }
    return test;
  }

  void quantifier(Step& step) {
    if (!more()) return;
    const char32_t q = peek();
    if (q == U'?') {
      step.min = 0;
    } else if (q == U'*') {
      step.min = 0;
      step.max = kUnbounded;
    } else if (q == U'+') {
      step.max = kUnbounded;
    } else {
      return;
    }
    ++pos_;
    if (more() && peek() == U'?') {
      step.lazy = true;
      ++pos_;
    }
  }

  std::u32string_view source_;
  std::size_t pos_ = 0;
  int groups_ = 0;
};

const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> compiled = [] {
    std::vector<Pattern> out;
    for (const char* source : kPatterns) {
      const std::u32string text = metrics::decode_utf8(source);
      out.push_back(PatternParser(text).parse());
    }
    return out;
  }();
  return compiled;
}

// A backtracking search with Python re's semantics for the steps above: the leftmost start,
// then greedy or lazy repeat counts and alternatives in order, first success wins.
class Matcher {
 public:
  Matcher(const Pattern& pattern, std::u32string_view text, int n_options)
      : steps_(pattern.steps), text_(text), ignore_case_(pattern.ignore_case), n_options_(n_options) {}

  bool search() {
    for (std::size_t start = 0; start <= text_.size(); ++start) {
      if (match(0, start)) {
        group0_ = {start, end_};
        return true;
      }
    }
    return false;
  }

  // Group 1 when it captured something, else the whole match (as first_option_postprocess).
  std::u32string_view outputs() const {
    if (group1_.second > group1_.first) return text_.substr(group1_.first, group1_.second - group1_.first);
    return text_.substr(group0_.first, group0_.second - group0_.first);
  }

 private:
  bool is_option(char32_t c) const {
    const char32_t last = U'A' + static_cast<char32_t>(n_options_) - 1;
    if (c >= U'A' && c <= last) return true;
    if (!ignore_case_) return false;
    const char32_t f = fold(c);
    return f >= U'a' && f <= fold(last);
  }

  bool same(char32_t a, char32_t b) const { return a == b || (ignore_case_ && fold(a) == fold(b)); }

  bool accepts(const CharTest& test, char32_t c) const {
    switch (test.kind) {
      case CharTest::kLiteral:
        return same(c, test.literal);
      case CharTest::kAny:
        return true;
      case CharTest::kSpace:
        return metrics::is_space(c);
      case CharTest::kNotSpace:
        return !metrics::is_space(c);
      case CharTest::kOption:
        return is_option(c);
      case CharTest::kClass:
        if (test.class_has_space && metrics::is_space(c)) return true;
        for (char32_t m : test.members) {
          if (same(c, m)) return true;
        }
        return false;
    }
    return false;
  }

  bool match(std::size_t i, std::size_t pos) {
    if (i == steps_.size()) {
      end_ = pos;
      return true;
    }
    const Step& step = steps_[i];
    switch (step.kind) {
      case Step::kStart:
        return pos == 0 && match(i + 1, pos);
      case Step::kEnd:
        return at_end(text_, pos) && match(i + 1, pos);
      case Step::kOpen:
        if (step.group == 1) group1_.first = pos;
        return match(i + 1, pos);
      case Step::kClose:
        if (step.group == 1) group1_.second = pos;
        return match(i + 1, pos);
      case Step::kEither:
        for (const Step& alternative : step.alternatives) {
          if (alternative.kind == Step::kStart || alternative.kind == Step::kEnd) {
            const bool holds = alternative.kind == Step::kStart ? pos == 0 : at_end(text_, pos);
            if (holds && match(i + 1, pos)) return true;
          } else if (pos < text_.size() && accepts(alternative.test, text_[pos]) && match(i + 1, pos + 1)) {
            return true;
          }
        }
        return false;
      case Step::kChars: {
        std::size_t n = 0;
        while (n < step.max && pos + n < text_.size() && accepts(step.test, text_[pos + n])) ++n;
        if (n < step.min) return false;
        if (step.lazy) {
          for (std::size_t count = step.min; count <= n; ++count) {
            if (match(i + 1, pos + count)) return true;
          }
        } else {
          for (std::size_t count = n + 1; count-- > step.min;) {
            if (match(i + 1, pos + count)) return true;
          }
        }
        return false;
      }
    }
    return false;
  }

  const std::vector<Step>& steps_;
  std::u32string_view text_;
  bool ignore_case_;
  int n_options_;
  std::size_t end_ = 0;
  std::pair<std::size_t, std::size_t> group0_{0, 0}, group1_{0, 0};
};

std::u32string_view strip(std::u32string_view text) {
  while (!text.empty() && metrics::is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && metrics::is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<char> first_option_letter(std::string_view output, int n_options) {
  if (n_options < 1 || n_options > 26) fail("option letter: n_options {} is outside 1..26", n_options);
  const std::u32string decoded = metrics::decode_utf8(output);
  const std::u32string_view text = strip(decoded);
  for (const Pattern& pattern : patterns()) {
    Matcher matcher(pattern, text, n_options);
    if (!matcher.search()) continue;
    const std::u32string_view outputs = matcher.outputs();
    for (int i = 0; i < n_options; ++i) {
      if (outputs.find(U'A' + static_cast<char32_t>(i)) != std::u32string_view::npos) return static_cast<char>('A' + i);
    }
  }
  return std::nullopt;
}

}  // namespace sextant::datasets

// A language identifier: multinomial naive Bayes over hashed character n-grams, trained on labelled text.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trainer/data/labelled_text.hpp"

namespace sextant::trainer {

struct LanguageIdentifierOptions {
  int min_order = 1;  // character n-grams of min_order..max_order code points
  int max_order = 4;
  int bucket_bits = 18;       // n-grams hash into 2^bucket_bits features
  double smoothing = 0.05;    // add-k on every feature count
  bool uniform_prior = true;  // else the training share of each language
  // Every 1/calibration_fraction-th example is held out to fit the temperature of the
  // posteriors, then the counts are refitted on every example. 0 keeps temperature 1.
  double calibration_fraction = 0.1;
};

struct LanguageGuess {
  std::string language;
  double confidence = 0;  // the posterior probability of `language`
};

class LanguageIdentifier {
 public:
  // Throws sextant::Error on options out of range or examples with fewer than two labels.
  static LanguageIdentifier train(std::span<const LabelledText> examples,
                                  const LanguageIdentifierOptions& options = {});

  // The language of highest posterior. Text is lowercased (Python's str.lower), runs of
  // whitespace become one space and the text is padded with a space at each end; NFC is
  // assumed, not applied (the shared corpora are NFC throughout). A text with no n-grams
  // gets the prior.
  LanguageGuess classify(std::string_view text) const;
  // P(language | text) for each of languages(): softmax((log prior + log likelihood) / T).
  // Naive Bayes counts every n-gram as independent evidence and so is far too sure of
  // itself; the temperature T, fitted on held-out examples by maximum likelihood, makes the
  // posterior usable as a confidence.
  std::vector<double> posteriors(std::string_view text) const;

  const std::vector<std::string>& languages() const { return languages_; }
  double temperature() const { return temperature_; }

  // A small binary file: a header (magic "SXLANGID", version, sizes, temperature, labels),
  // the log priors and the table of log probabilities, little-endian. load() checks every
  // size against the file; errors name the file.
  void save(const std::string& path) const;
  static LanguageIdentifier load(const std::string& path);

 private:
  std::vector<double> scores(std::string_view text) const;
  void fit_counts(std::span<const LabelledText> examples, const std::vector<std::size_t>& which,
                  const LanguageIdentifierOptions& options);

  std::vector<std::string> languages_;
  int min_order_ = 1;
  int max_order_ = 4;
  int bucket_bits_ = 18;
  double temperature_ = 1;
  std::vector<float> log_priors_;  // (languages)
  std::vector<float> log_probs_;   // (buckets, languages): log P(feature | language)
};

}  // namespace sextant::trainer

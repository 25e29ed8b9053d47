// A model-based quality filter: logistic regression over hashed word n-grams that tells golden reference text from the
// raw pool.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sextant::trainer {

struct QualityClassifierOptions {
  int max_order = 2;     // word n-grams of 1..max_order words (split_words: a CJK character is a word)
  int bucket_bits = 20;  // n-grams hash into 2^bucket_bits weights
  int epochs = 4;        // passes of stochastic gradient descent over the shuffled examples
  double learning_rate = 0.5;
  double l2 = 1e-6;        // weight decay per example seen
  std::uint64_t seed = 1;  // the shuffling order
};

// Documents become L2-normalised counts of hashed, lowercased word n-grams, and a logistic
// regression is fitted to tell the golden documents (label 1: text like the reference,
// e.g. Wikipedia or books) from the pool (label 0: the raw crawl), as DCLM's fastText
// filter does. The two classes are weighted to count equally, so that a pool ten times the
// size of the golden set does not push every score towards 0; score() is then the
// probability that a document is golden under balanced priors.
class QualityClassifier {
 public:
  // Throws sextant::Error when either class is empty or an option is out of range.
  static QualityClassifier train(std::span<const std::string_view> golden, std::span<const std::string_view> pool,
                                 const QualityClassifierOptions& options = {});

  // P(golden | text), in (0, 1). A text without words scores sigmoid(bias).
  double score(std::string_view text) const;

  int bucket_bits() const { return bucket_bits_; }
  int max_order() const { return max_order_; }

  // A binary file: magic "SXQUALCL", version, bucket bits, order, bias, then the weights as
  // little-endian floats. load() checks every size against the file; errors name the file.
  void save(const std::string& path) const;
  static QualityClassifier load(const std::string& path);

 private:
  struct Feature {
    std::uint32_t bucket;
    float value;
  };
  std::vector<Feature> features(std::string_view text) const;
  double logit(const std::vector<Feature>& x) const;

  int max_order_ = 2;
  int bucket_bits_ = 20;
  double bias_ = 0;
  std::vector<float> weights_;
};

}  // namespace sextant::trainer

// Training, applying, saving and loading the hashed n-gram logistic regression of the quality filter.
#include "trainer/data/quality_classifier.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "metrics/unicode_properties.hpp"
#include "metrics/utf8.hpp"
#include "trainer/data/hashing.hpp"
#include "trainer/data/text_words.hpp"

namespace sextant::trainer {

namespace {

static_assert(std::endian::native == std::endian::little, "the model file is written in the machine's byte order");

constexpr char kMagic[8] = {'S', 'X', 'Q', 'U', 'A', 'L', 'C', 'L'};
constexpr std::uint32_t kVersion = 1;

double sigmoid(double z) { return z >= 0 ? 1 / (1 + std::exp(-z)) : std::exp(z) / (1 + std::exp(z)); }

// splitmix64 as a generator: the shuffle is the same on every platform (std::shuffle's is not).
struct SplitMix {
  std::uint64_t state;
  std::uint64_t next() { return mix64(state += 0x9e3779b97f4a7c15ull); }
};

template <typename T>
void append(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

}  // namespace

std::vector<QualityClassifier::Feature> QualityClassifier::features(std::string_view text) const {
  const std::u32string lowered = metrics::to_lower(metrics::decode_utf8(text));
  const std::vector<Word> words = split_words(lowered);
  std::vector<std::uint64_t> word_hashes(words.size());
  for (std::size_t i = 0; i < words.size(); ++i)
    word_hashes[i] = hash_code_points(std::u32string_view(lowered).substr(words[i].begin, words[i].length));
  const int shift = 64 - bucket_bits_;
  std::vector<std::uint32_t> buckets;
  buckets.reserve(words.size() * static_cast<std::size_t>(max_order_));
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::uint64_t h = 0;
    for (int n = 1; n <= max_order_ && i + static_cast<std::size_t>(n) <= words.size(); ++n) {
      h = mix64(h * 0x100000001b3ull + word_hashes[i + static_cast<std::size_t>(n) - 1] +
                static_cast<std::uint64_t>(n));
      buckets.push_back(static_cast<std::uint32_t>(h >> shift));
    }
  }
  std::sort(buckets.begin(), buckets.end());
  std::vector<Feature> x;
  double norm = 0;
  for (std::size_t i = 0; i < buckets.size();) {
    std::size_t j = i;
    while (j < buckets.size() && buckets[j] == buckets[i]) ++j;
    const auto count = static_cast<float>(j - i);
    x.push_back({buckets[i], count});
    norm += static_cast<double>(count) * count;
    i = j;
  }
  const auto inverse = static_cast<float>(norm > 0 ? 1 / std::sqrt(norm) : 0);
  for (Feature& f : x) f.value *= inverse;
  return x;
}

double QualityClassifier::logit(const std::vector<Feature>& x) const {
  double z = bias_;
  for (const Feature& f : x) z += static_cast<double>(weights_[f.bucket]) * f.value;
  return z;
}

QualityClassifier QualityClassifier::train(std::span<const std::string_view> golden,
                                           std::span<const std::string_view> pool,
                                           const QualityClassifierOptions& options) {
  if (golden.empty() || pool.empty())
    fail("quality classifier: needs golden and pool documents, has {} golden and {} pool", golden.size(), pool.size());
  if (options.max_order < 1 || options.max_order > 4)
    fail("quality classifier: max_order {} is not within 1..4", options.max_order);
  if (options.bucket_bits < 8 || options.bucket_bits > 26)
    fail("quality classifier: bucket_bits {} is not within 8..26", options.bucket_bits);
  if (options.epochs < 1 || options.epochs > 100)
    fail("quality classifier: epochs {} is not within 1..100", options.epochs);
  if (!(options.learning_rate > 0 && options.learning_rate <= 10))
    fail("quality classifier: learning_rate {} is not within (0, 10]", options.learning_rate);
  if (!(options.l2 >= 0 && options.l2 < 1)) fail("quality classifier: l2 {} is not within [0, 1)", options.l2);

  QualityClassifier model;
  model.max_order_ = options.max_order;
  model.bucket_bits_ = options.bucket_bits;
  model.weights_.assign(std::size_t{1} << options.bucket_bits, 0.0f);

  struct Example {
    std::vector<Feature> x;
    double label, weight;
  };
  std::vector<Example> examples;
  examples.reserve(golden.size() + pool.size());
  const double total = static_cast<double>(golden.size() + pool.size());
  for (std::string_view d : golden)
    examples.push_back({model.features(d), 1.0, total / (2.0 * static_cast<double>(golden.size()))});
  for (std::string_view d : pool)
    examples.push_back({model.features(d), 0.0, total / (2.0 * static_cast<double>(pool.size()))});

  // Weights live as scale * v, so that the L2 decay of every weight is one multiplication.
  std::vector<double> v(model.weights_.size(), 0.0);
  double scale = 1, bias = 0;
  std::vector<std::size_t> order(examples.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  SplitMix rng{options.seed};
  const double steps = static_cast<double>(options.epochs) * static_cast<double>(examples.size());
  double step = 0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);
    for (std::size_t e : order) {
      const Example& ex = examples[e];
      // Linear decay to a tenth of the rate, as fastText decays its own.
      const double lr = options.learning_rate * (1.0 - 0.9 * step / steps);
      step += 1;
      double z = bias;
      for (const Feature& f : ex.x) z += scale * v[f.bucket] * f.value;
      const double g = ex.weight * (sigmoid(z) - ex.label);
      scale *= 1.0 - lr * options.l2;
      if (scale < 1e-9) {
        for (double& w : v) w *= scale;
        scale = 1;
      }
      for (const Feature& f : ex.x) v[f.bucket] -= lr * g * f.value / scale;
      bias -= lr * g;
    }
  }
  for (std::size_t b = 0; b < v.size(); ++b) model.weights_[b] = static_cast<float>(v[b] * scale);
  model.bias_ = bias;
  return model;
}

double QualityClassifier::score(std::string_view text) const { return sigmoid(logit(features(text))); }

void QualityClassifier::save(const std::string& path) const {
  std::string out(kMagic, sizeof kMagic);
  append(out, kVersion);
  append(out, static_cast<std::uint32_t>(bucket_bits_));
  append(out, static_cast<std::uint32_t>(max_order_));
  append(out, bias_);
  out.append(reinterpret_cast<const char*>(weights_.data()), weights_.size() * sizeof(float));
  write_file_atomically(path, out);
}

QualityClassifier QualityClassifier::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open", path);
  const std::string bytes(std::istreambuf_iterator<char>(in), {});
  constexpr std::size_t kHeader = sizeof kMagic + 3 * sizeof(std::uint32_t) + sizeof(double);
  if (bytes.size() < kHeader) fail("{}: truncated in the header ({} bytes)", path, bytes.size());
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) fail("{}: not a quality classifier (bad magic)", path);
  std::uint32_t version = 0, bits = 0, order = 0;
  double bias = 0;
  const char* p = bytes.data() + sizeof kMagic;
  std::memcpy(&version, p, 4);
  std::memcpy(&bits, p + 4, 4);
  std::memcpy(&order, p + 8, 4);
  std::memcpy(&bias, p + 12, 8);
  if (version != kVersion)
    fail("{}: version {} is not supported (this build reads version {})", path, version, kVersion);
  if (bits < 8 || bits > 26 || order < 1 || order > 4 || !std::isfinite(bias))
    fail("{}: header out of range ({} bucket bits, order {}, bias {})", path, bits, order, bias);
  const std::size_t expected = (std::size_t{1} << bits) * sizeof(float);
  if (bytes.size() - kHeader != expected)
    fail("{}: the weights take {} bytes, the file has {} after the header", path, expected, bytes.size() - kHeader);
  QualityClassifier model;
  model.bucket_bits_ = static_cast<int>(bits);
  model.max_order_ = static_cast<int>(order);
  model.bias_ = bias;
  model.weights_.resize(std::size_t{1} << bits);
  std::memcpy(model.weights_.data(), bytes.data() + kHeader, expected);
  return model;
}

}  // namespace sextant::trainer

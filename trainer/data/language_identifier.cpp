// Training, applying, saving and loading the naive Bayes language identifier.
#include "trainer/data/language_identifier.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "metrics/unicode_properties.hpp"
#include "metrics/utf8.hpp"
#include "trainer/data/hashing.hpp"
#include "trainer/data/text_words.hpp"

namespace sextant::trainer {

namespace {

static_assert(std::endian::native == std::endian::little, "the model file is written in the machine's byte order");

constexpr char kMagic[8] = {'S', 'X', 'L', 'A', 'N', 'G', 'I', 'D'};
constexpr std::uint32_t kVersion = 1;

// Lowercased, whitespace runs as one space, a space at each end (so that n-grams see the
// starts and ends of words).
std::u32string normalize(std::string_view utf8) {
  const std::u32string lowered = metrics::to_lower(metrics::decode_utf8(utf8));
  std::u32string out;
  out.reserve(lowered.size() + 2);
  out.push_back(' ');
  for (char32_t c : lowered) {
    if (!is_space(c)) {
      out.push_back(c);
    } else if (out.back() != ' ') {
      out.push_back(' ');
    }
  }
  if (out.back() != ' ') out.push_back(' ');
  return out;
}

// Calls f(bucket) for every n-gram of min_order..max_order code points but the lone space.
template <typename F>
void for_each_feature(const std::u32string& s, int min_order, int max_order, int bucket_bits, F&& f) {
  const int shift = 64 - bucket_bits;
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    const auto orders = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(max_order), s.size() - i));
    for (int n = 1; n <= orders; ++n) {
      h = (h ^ s[i + static_cast<std::size_t>(n) - 1]) * 0x100000001b3ull;
      if (n < min_order || (n == 1 && s[i] == ' ')) continue;
      f(static_cast<std::size_t>(mix64(h + static_cast<std::uint64_t>(n)) >> shift));
    }
  }
}

std::vector<double> softmax(const std::vector<double>& scores, double inverse_temperature) {
  std::vector<double> p(scores.size());
  const double top = *std::max_element(scores.begin(), scores.end());
  double sum = 0;
  for (std::size_t l = 0; l < scores.size(); ++l) sum += p[l] = std::exp((scores[l] - top) * inverse_temperature);
  for (double& v : p) v /= sum;
  return p;
}

// The mean negative log-likelihood of the true labels at inverse temperature beta.
double calibration_loss(const std::vector<std::vector<double>>& scores, const std::vector<std::size_t>& labels,
                        double beta) {
  double total = 0;
  for (std::size_t e = 0; e < scores.size(); ++e) {
    const auto& s = scores[e];
    const double top = *std::max_element(s.begin(), s.end());
    double sum = 0;
    for (double v : s) sum += std::exp((v - top) * beta);
    total += std::log(sum) - (s[labels[e]] - top) * beta;
  }
  return total / static_cast<double>(scores.size());
}

// The loss is convex in beta, so unimodal in log beta: golden-section search over
// beta in [1e-5, 10].
double fit_inverse_temperature(const std::vector<std::vector<double>>& scores, const std::vector<std::size_t>& labels) {
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double lo = std::log(1e-5), hi = std::log(10.0);
  double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
  double fa = calibration_loss(scores, labels, std::exp(a)), fb = calibration_loss(scores, labels, std::exp(b));
  for (int i = 0; i < 60; ++i) {
    if (fa < fb) {
      hi = b, b = a, fb = fa;
      a = hi - phi * (hi - lo);
      fa = calibration_loss(scores, labels, std::exp(a));
    } else {
      lo = a, a = b, fa = fb;
      b = lo + phi * (hi - lo);
      fb = calibration_loss(scores, labels, std::exp(b));
    }
  }
  return std::exp((lo + hi) / 2);
}

// A cursor over the bytes of a model file whose reads fail naming the file.
class Reader {
 public:
  Reader(const std::string& path, std::string_view bytes) : path_(path), bytes_(bytes) {}
  void read(void* out, std::size_t n, const char* what) {
    if (bytes_.size() - pos_ < n)
      fail("{}: truncated in the {} (offset {}, {} bytes)", path_, what, pos_, bytes_.size());
    std::memcpy(out, bytes_.data() + pos_, n);
    pos_ += n;
  }
  template <typename T>
  T value(const char* what) {
    T v;
    read(&v, sizeof v, what);
    return v;
  }
  std::size_t left() const { return bytes_.size() - pos_; }

 private:
  const std::string& path_;
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

template <typename T>
void append(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

}  // namespace

void LanguageIdentifier::fit_counts(std::span<const LabelledText> examples, const std::vector<std::size_t>& which,
                                    const LanguageIdentifierOptions& options) {
  const std::size_t n_labels = languages_.size();
  const std::size_t buckets = std::size_t{1} << bucket_bits_;
  std::map<std::string, std::size_t> index;
  for (std::size_t l = 0; l < n_labels; ++l) index[languages_[l]] = l;

  std::vector<std::uint32_t> counts(buckets * n_labels, 0);
  std::vector<double> totals(n_labels, 0), documents(n_labels, 0);
  for (std::size_t e : which) {
    const std::size_t l = index.at(examples[e].label);
    documents[l] += 1;
    for_each_feature(normalize(examples[e].text), min_order_, max_order_, bucket_bits_, [&](std::size_t b) {
      ++counts[b * n_labels + l];
      totals[l] += 1;
    });
  }
  log_priors_.assign(n_labels, 0);
  log_probs_.assign(buckets * n_labels, 0);
  for (std::size_t l = 0; l < n_labels; ++l) {
    log_priors_[l] =
        static_cast<float>(options.uniform_prior ? -std::log(static_cast<double>(n_labels))
                                                 : std::log(documents[l] / static_cast<double>(which.size())));
    const double denominator = std::log(totals[l] + options.smoothing * static_cast<double>(buckets));
    for (std::size_t b = 0; b < buckets; ++b) {
      log_probs_[b * n_labels + l] =
          static_cast<float>(std::log(counts[b * n_labels + l] + options.smoothing) - denominator);
    }
  }
}

LanguageIdentifier LanguageIdentifier::train(std::span<const LabelledText> examples,
                                             const LanguageIdentifierOptions& options) {
  if (options.min_order < 1 || options.max_order < options.min_order || options.max_order > 8)
    fail("language identifier: n-gram orders {}..{} are not within 1..8", options.min_order, options.max_order);
  if (options.bucket_bits < 8 || options.bucket_bits > 26)
    fail("language identifier: bucket_bits {} is not within 8..26", options.bucket_bits);
  if (!(options.smoothing > 0)) fail("language identifier: smoothing must be positive, not {}", options.smoothing);
  if (!(options.calibration_fraction >= 0 && options.calibration_fraction < 0.5))
    fail("language identifier: calibration_fraction {} is not within [0, 0.5)", options.calibration_fraction);

  LanguageIdentifier model;
  model.min_order_ = options.min_order;
  model.max_order_ = options.max_order;
  model.bucket_bits_ = options.bucket_bits;
  for (const LabelledText& e : examples) model.languages_.push_back(e.label);
  std::sort(model.languages_.begin(), model.languages_.end());
  model.languages_.erase(std::unique(model.languages_.begin(), model.languages_.end()), model.languages_.end());
  if (model.languages_.size() < 2)
    fail("language identifier: the examples have {} labels, need 2 or more", model.languages_.size());

  std::vector<std::size_t> all(examples.size());
  for (std::size_t e = 0; e < all.size(); ++e) all[e] = e;
  if (options.calibration_fraction > 0) {
    const auto every = static_cast<std::size_t>(std::llround(1 / options.calibration_fraction));
    std::vector<std::size_t> fit, held_out;
    for (std::size_t e : all) (e % every == every - 1 ? held_out : fit).push_back(e);
    model.fit_counts(examples, fit, options);
    std::vector<std::vector<double>> scores;
    std::vector<std::size_t> labels;
    for (std::size_t e : held_out) {
      scores.push_back(model.scores(examples[e].text));
      labels.push_back(static_cast<std::size_t>(
          std::lower_bound(model.languages_.begin(), model.languages_.end(), examples[e].label) -
          model.languages_.begin()));
    }
    if (!scores.empty()) model.temperature_ = 1 / fit_inverse_temperature(scores, labels);
  }
  model.fit_counts(examples, all, options);
  return model;
}

std::vector<double> LanguageIdentifier::scores(std::string_view text) const {
  const std::size_t n_labels = languages_.size();
  std::vector<double> s(log_priors_.begin(), log_priors_.end());
  const float* table = log_probs_.data();
  for_each_feature(normalize(text), min_order_, max_order_, bucket_bits_, [&](std::size_t b) {
    const float* row = table + b * n_labels;
    for (std::size_t l = 0; l < n_labels; ++l) s[l] += row[l];
  });
  return s;
}

std::vector<double> LanguageIdentifier::posteriors(std::string_view text) const {
  return softmax(scores(text), 1 / temperature_);
}

LanguageGuess LanguageIdentifier::classify(std::string_view text) const {
  const std::vector<double> p = posteriors(text);
  const auto best = static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
  return {languages_[best], p[best]};
}

void LanguageIdentifier::save(const std::string& path) const {
  std::string out(kMagic, sizeof kMagic);
  append(out, kVersion);
  append(out, static_cast<std::uint32_t>(languages_.size()));
  append(out, static_cast<std::uint32_t>(bucket_bits_));
  append(out, static_cast<std::uint32_t>(min_order_));
  append(out, static_cast<std::uint32_t>(max_order_));
  append(out, temperature_);
  for (const std::string& l : languages_) {
    append(out, static_cast<std::uint32_t>(l.size()));
    out += l;
  }
  out.append(reinterpret_cast<const char*>(log_priors_.data()), log_priors_.size() * sizeof(float));
  out.append(reinterpret_cast<const char*>(log_probs_.data()), log_probs_.size() * sizeof(float));
  write_file_atomically(path, out);
}

LanguageIdentifier LanguageIdentifier::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open", path);
  const std::string bytes(std::istreambuf_iterator<char>(in), {});
  Reader r(path, bytes);
  char magic[sizeof kMagic];
  r.read(magic, sizeof magic, "header");
  if (std::memcmp(magic, kMagic, sizeof kMagic) != 0) fail("{}: not a language identifier model (bad magic)", path);
  if (const auto version = r.value<std::uint32_t>("header"); version != kVersion)
    fail("{}: model version {} is not supported (this build reads version {})", path, version, kVersion);
  LanguageIdentifier model;
  const auto n_labels = r.value<std::uint32_t>("header");
  model.bucket_bits_ = static_cast<int>(r.value<std::uint32_t>("header"));
  model.min_order_ = static_cast<int>(r.value<std::uint32_t>("header"));
  model.max_order_ = static_cast<int>(r.value<std::uint32_t>("header"));
  model.temperature_ = r.value<double>("header");
  if (n_labels < 2 || n_labels > 10000 || model.bucket_bits_ < 8 || model.bucket_bits_ > 26 || model.min_order_ < 1 ||
      model.max_order_ < model.min_order_ || model.max_order_ > 8 || !(model.temperature_ > 0))
    fail("{}: header out of range ({} labels, {} bucket bits, orders {}..{}, temperature {})", path, n_labels,
         model.bucket_bits_, model.min_order_, model.max_order_, model.temperature_);
  for (std::uint32_t l = 0; l < n_labels; ++l) {
    const auto length = r.value<std::uint32_t>("labels");
    if (length > 64) fail("{}: label {} is {} bytes long (64 at most)", path, l, length);
    std::string label(length, '\0');
    r.read(label.data(), length, "labels");
    model.languages_.push_back(std::move(label));
  }
  // The sizes are checked against the file before anything that large is allocated.
  const std::size_t table = (std::size_t{1} << model.bucket_bits_) * n_labels;
  const std::size_t expected = (n_labels + table) * sizeof(float);
  if (r.left() < expected)
    fail("{}: truncated: the priors and probability table take {} bytes, {} are left", path, expected, r.left());
  if (r.left() > expected) fail("{}: {} bytes after the probability table", path, r.left() - expected);
  model.log_priors_.resize(n_labels);
  r.read(model.log_priors_.data(), n_labels * sizeof(float), "priors");
  model.log_probs_.resize(table);
  r.read(model.log_probs_.data(), table * sizeof(float), "probability table");
  return model;
}

}  // namespace sextant::trainer

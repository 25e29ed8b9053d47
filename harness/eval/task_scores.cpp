// Aggregating sample outcomes into scores with confidence intervals.
#include "harness/eval/task_scores.hpp"

#include <cmath>
#include <map>

#include "harness/eval/prompted_sample.hpp"
#include "metrics/bleu.hpp"
#include "metrics/chrf.hpp"
#include "metrics/confidence_interval.hpp"
#include "metrics/perplexity.hpp"

namespace sextant::harness {

namespace {

// A mean of 0/1 or graded per-sample values with its normal interval, clipped to [0, 1] for
// rates; one sample has no spread, so its interval is the value itself.
MetricScore mean_score(const std::string& metric, const std::vector<double>& values) {
  MetricScore s;
  s.metric = metric;
  s.samples = static_cast<std::int64_t>(values.size());
  if (values.empty()) return s;
  const auto m = metrics::mean_interval(values);
  s.value = m.mean;
  s.ci_low = std::isnan(m.lower) ? m.mean : std::max(0.0, m.lower);
  s.ci_high = std::isnan(m.upper) ? m.mean : std::min(1.0, m.upper);
  return s;
}

MetricScore corpus_score(const std::string& metric, const std::vector<SampleOutcome>& outcomes) {
  std::vector<std::string> hypotheses;
  std::vector<std::vector<std::string>> references;
  for (const auto& o : outcomes) {
    hypotheses.push_back(o.answer);
    references.push_back(o.detail.at("references").get<std::vector<std::string>>());
  }
  MetricScore s;
  s.metric = metric;
  s.samples = static_cast<std::int64_t>(outcomes.size());
  if (outcomes.empty()) return s;
  // Resampling sums the per-segment statistics, as sacrebleu's bootstrap does; scores are
  // reported as fractions (BLEU 23.4 -> 0.234) like every other metric here.
  metrics::ResampleStatistic statistic;
  if (metric == "bleu") {
    std::vector<metrics::BleuStatistics> stats;
    for (std::size_t i = 0; i < outcomes.size(); ++i)
      stats.push_back(metrics::bleu_statistics(hypotheses[i], references[i]));
    statistic = [stats](std::span<const std::size_t> idx) {
      metrics::BleuStatistics sum = stats[idx[0]];
      for (std::size_t k = 1; k < idx.size(); ++k) sum += stats[idx[k]];
      return metrics::bleu_from_statistics(sum).score / 100.0;
    };
  } else {
    std::vector<metrics::ChrfStatistics> stats;
    for (std::size_t i = 0; i < outcomes.size(); ++i)
      stats.push_back(metrics::chrf_statistics(hypotheses[i], references[i]));
    statistic = [stats](std::span<const std::size_t> idx) {
      metrics::ChrfStatistics sum = stats[idx[0]];
      for (std::size_t k = 1; k < idx.size(); ++k) sum += stats[idx[k]];
      return metrics::chrf_from_statistics(sum) / 100.0;
    };
  }
  const auto b = metrics::bootstrap_interval(outcomes.size(), statistic, {});
  s.value = b.estimate;
  s.ci_low = b.lower;
  s.ci_high = b.upper;
  return s;
}

// A corpus perplexity metric over documents' totals; a single document has no spread.
MetricScore rolling_score(const std::string& metric, const std::vector<metrics::LogLikelihoodTotals>& docs) {
  MetricScore s;
  s.metric = metric;
  s.samples = static_cast<std::int64_t>(docs.size());
  if (docs.empty()) return s;
  auto value_of = [metric](const metrics::LogLikelihoodTotals& t) {
    if (metric == "bits_per_byte") return t.bytes > 0 ? metrics::bits_per_byte(t) : 0.0;
    if (metric == "word_perplexity") return t.words > 0 ? metrics::word_perplexity(t) : 0.0;
    return t.tokens > 0 ? metrics::token_perplexity(t) : 0.0;
  };
  const metrics::ResampleStatistic statistic = [&docs, value_of](std::span<const std::size_t> idx) {
    metrics::LogLikelihoodTotals sum;
    for (std::size_t i : idx) sum += docs[i];
    return value_of(sum);
  };
  if (docs.size() == 1) {
    s.value = s.ci_low = s.ci_high = value_of(docs.front());
    return s;
  }
  const auto b = metrics::bootstrap_interval(docs.size(), statistic, {});
  s.value = b.estimate;
  // Word perplexity overflows on text with few spaces (Chinese): an infinite value has no
  // interval worth showing.
  s.ci_low = std::isfinite(b.lower) ? b.lower : b.estimate;
  s.ci_high = std::isfinite(b.upper) ? b.upper : b.estimate;
  return s;
}

}  // namespace

nlohmann::json ppl_picks(const nlohmann::json& detail) {
  const auto& lp = detail.at("logprobs");
  const char* names[] = {"acc", "acc_norm", "acc_norm_nospace", "acc_token_mean"};
  const char* divisors[] = {nullptr, "chars", "chars_nospace", "tokens"};
  nlohmann::json picks = nlohmann::json::object();
  for (int m = 0; m < 4; ++m) {
    int best = -1;
    double best_value = 0.0;
    for (std::size_t c = 0; c < lp.size(); ++c) {
      double v = lp[c].get<double>();
      if (divisors[m]) v /= std::max(1.0, detail.at(divisors[m])[c].get<double>());
      if (best < 0 || v > best_value) {
        best = static_cast<int>(c);
        best_value = v;
      }
    }
    picks[names[m]] = best;
  }
  return picks;
}

std::vector<MetricScore> task_scores(const ModeConfig& mode, const std::vector<SampleOutcome>& all, bool circular) {
  std::vector<MetricScore> scores;
  std::vector<SampleOutcome> unrotated;
  if (circular) {
    std::map<std::int64_t, bool> every_rotation_right;
    for (const auto& o : all) {
      const auto row = o.index / kCircularStride;
      const bool right = o.detail.at("picked").at(mode.metric) == o.detail.at("gold");
      auto [it, fresh] = every_rotation_right.emplace(row, right);
      if (!fresh) it->second = it->second && right;
      if (o.index % kCircularStride == 0) unrotated.push_back(o);
    }
    std::vector<double> values;
    for (const auto& [row, right] : every_rotation_right) values.push_back(right ? 1.0 : 0.0);
    scores.push_back(mean_score(mode.metric + "_circular", values));
  }
  const std::vector<SampleOutcome>& outcomes = circular ? unrotated : all;
  std::vector<double> truncated;
  for (const auto& o : outcomes) truncated.push_back(o.truncated ? 1.0 : 0.0);
  switch (mode.inferencer) {
    case Inferencer::Ppl: {
      std::vector<std::string> names{mode.metric};
      for (const char* n : {"acc", "acc_norm", "acc_norm_nospace", "acc_token_mean"})
        if (n != mode.metric) names.push_back(n);
      for (const auto& name : names) {
        std::vector<double> right;
        for (const auto& o : outcomes)
          right.push_back(o.detail.at("picked").at(name) == o.detail.at("gold") ? 1.0 : 0.0);
        scores.push_back(mean_score(name, right));
      }
      break;
    }
    case Inferencer::Target: {
      std::vector<double> greedy;
      double logprob = 0.0, tokens = 0.0;
      for (const auto& o : outcomes) {
        greedy.push_back(o.detail.at("greedy").get<bool>() ? 1.0 : 0.0);
        logprob += o.detail.at("logprob").get<double>();
        tokens += o.detail.at("tokens").get<double>();
      }
      scores.push_back(mean_score("acc", greedy));
      MetricScore ppl;
      ppl.metric = "perplexity";
      ppl.samples = static_cast<std::int64_t>(outcomes.size());
      ppl.value = ppl.ci_low = ppl.ci_high = tokens > 0 ? std::exp(-logprob / tokens) : 0.0;
      scores.push_back(ppl);
      break;
    }
    case Inferencer::Rolling: {
      // Corpus totals, as lm-eval aggregates them; the interval comes from resampling documents.
      std::vector<metrics::LogLikelihoodTotals> docs;
      for (const auto& o : outcomes) {
        metrics::LogLikelihoodTotals t;
        t.log_prob = o.detail.at("logprob").get<double>();
        t.tokens = o.detail.at("tokens").get<std::int64_t>();
        t.bytes = o.detail.at("bytes").get<std::int64_t>();
        t.words = o.detail.at("words").get<std::int64_t>();
        docs.push_back(t);
      }
      std::vector<std::string> names{mode.metric};
      for (const char* n : {"bits_per_byte", "perplexity", "word_perplexity"})
        if (n != mode.metric) names.push_back(n);
      for (const auto& name : names) scores.push_back(rolling_score(name, docs));
      break;
    }
    case Inferencer::Gen: {
      if (mode.metric == "bleu" || mode.metric == "chrf") {
        scores.push_back(corpus_score(mode.metric, outcomes));
      } else {
        std::vector<double> values;
        for (const auto& o : outcomes) values.push_back(o.score);
        scores.push_back(mean_score(mode.metric, values));
      }
      std::vector<double> extracted, cutoff;
      for (const auto& o : outcomes) {
        extracted.push_back(o.extracted ? 1.0 : 0.0);
        cutoff.push_back(o.detail.value("cutoff", 0.0));
      }
      scores.push_back(mean_score("extraction_rate", extracted));
      scores.push_back(mean_score("cutoff_rate", cutoff));
      break;
    }
  }
  scores.push_back(mean_score("truncation_rate", truncated));
  return scores;
}

}  // namespace sextant::harness

// Generation: sampled or greedy continuations, answers extracted, per-sample metrics.
#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "datasets/answer_extraction.hpp"
#include "datasets/prompt_template.hpp"
#include "harness/eval/inference.hpp"
#include "metrics/bleu.hpp"
#include "metrics/chrf.hpp"
#include "metrics/code_sandbox.hpp"
#include "metrics/exact_match.hpp"

namespace sextant::harness {

namespace {

constexpr std::size_t kSamplesPerChunk = 32;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// The answer most samples agree on (self-consistency); ties go to the one seen first.
std::string majority(const std::vector<std::string>& answers) {
  std::map<std::string, int> votes;
  std::string best;
  int best_votes = 0;
  for (const auto& a : answers) {
    if (a.empty()) continue;
    const int v = ++votes[a];
    if (v > best_votes) {
      best_votes = v;
      best = a;
    }
  }
  return best;
}

double sample_metric(const ModeConfig& mode, const std::string& answer, const std::vector<std::string>& refs) {
  if (refs.empty()) return 0.0;
  if (mode.metric == "exact_match") return metrics::exact_match_any(answer, refs) ? 1.0 : 0.0;
  if (mode.metric == "number_match") {
    for (const auto& r : refs)
      if (!answer.empty() && datasets::numbers_equal(answer, r)) return 1.0;
    return 0.0;
  }
  if (mode.metric == "choice_match") {
    for (const auto& r : refs)
      if (!answer.empty() && upper(trim(answer)) == upper(trim(r))) return 1.0;
    return 0.0;
  }
  if (mode.metric == "bleu") return metrics::bleu_from_statistics(metrics::bleu_statistics(answer, refs)).score / 100.0;
  if (mode.metric == "chrf") return metrics::chrf_from_statistics(metrics::chrf_statistics(answer, refs)) / 100.0;
  fail("metric {} is not computed per sample", mode.metric);
}

}  // namespace

void run_gen(runtime::RequestServer& engine, const ModeConfig& mode, const std::vector<PromptedSample>& samples,
             const OutcomeSink& on_chunk) {
  const runtime::Tokenizer& tok = engine.model().tokenizer();
  const std::int64_t context_length = engine.model().config().context_length;
  for (std::size_t start = 0; start < samples.size(); start += kSamplesPerChunk) {
    const std::size_t end = std::min(samples.size(), start + kSamplesPerChunk);
    std::vector<runtime::GenerateRequest> requests;
    std::vector<SampleOutcome> outcomes;
    for (std::size_t k = start; k < end; ++k) {
      const PromptedSample& s = samples[k];
      runtime::GenerateRequest r;
      r.prompt = tok.encode(s.prompt, tok.adds_bos(), s.chat);
      r.max_tokens = mode.max_tokens;
      r.stop = s.chat && mode.chat_stop ? *mode.chat_stop : mode.stop;
      r.n = mode.samples;
      r.sampling.temperature = static_cast<float>(mode.temperature);
      r.sampling.top_p = static_cast<float>(mode.top_p);
      r.sampling.seed = mode.seed + static_cast<std::uint64_t>(s.index) * 1000003ull;
      SampleOutcome o;
      // Keep room for the answer: cut the prompt on the left, and say so. A context shorter
      // than the answer's budget (a small trained model) keeps half of it for the prompt, and
      // the answer stops where the context is full.
      const std::int64_t room = std::max(context_length - mode.max_tokens, context_length / 2);
      if (static_cast<std::int64_t>(r.prompt.size()) > room && room > 1) {
        r.prompt.erase(r.prompt.begin(), r.prompt.end() - room);
        o.truncated = true;
      }
      o.index = s.index;
      o.prompt = s.prompt;
      o.prompt_hash = token_hash({r.prompt});
      o.reference = s.references.empty() ? "" : s.references.front();
      requests.push_back(std::move(r));
      outcomes.push_back(std::move(o));
    }
    const auto results = engine.generate(requests);
    for (std::size_t k = start; k < end; ++k) {
      const PromptedSample& s = samples[k];
      SampleOutcome& o = outcomes[k - start];
      const auto& gens = results[k - start].samples;
      nlohmann::json texts = nlohmann::json::array(), answers_json = nlohmann::json::array(),
                     finish = nlohmann::json::array();
      std::vector<std::string> answers;
      double cutoff = 0.0;
      int passed = 0;
      for (const auto& g : gens) {
        std::optional<std::string> a = mode.extractor.empty() ? std::optional<std::string>(trim(g.text))
                                                              : datasets::extract_answer(mode.extractor, g.text);
        answers.push_back(a ? *a : "");
        texts.push_back(g.text);
        answers_json.push_back(answers.back());
        finish.push_back(runtime::finish_reason_name(g.finish));
        if (g.finish != runtime::FinishReason::Stop) cutoff += 1.0 / static_cast<double>(gens.size());
        if (mode.metric == "pass@1") {
          datasets::Record with_completion = s.record;
          with_completion.fields["completion"] = answers.back();
          const auto run = metrics::run_python_sandboxed(datasets::render_template(mode.program, with_completion));
          if (run.outcome == metrics::SandboxOutcome::Passed) ++passed;
        }
      }
      o.output = gens.empty() ? "" : gens.front().text;
      o.answer = gens.size() == 1 ? answers.front() : majority(answers);
      o.extracted = !o.answer.empty();
      o.detail = {{"generations", texts},
                  {"answers", answers_json},
                  {"finish", finish},
                  {"cutoff", cutoff},
                  {"references", s.references}};
      if (mode.metric == "pass@1") {
        // pass@1 over n samples is the unbiased estimator's c / n.
        o.score = static_cast<double>(passed) / static_cast<double>(std::max<std::size_t>(1, gens.size()));
        o.detail["passed"] = passed;
      } else {
        o.score = sample_metric(mode, o.answer, s.references);
      }
    }
    on_chunk(outcomes);
  }
}

}  // namespace sextant::harness

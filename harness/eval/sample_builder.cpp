// Building prompted samples from rows.
#include "harness/eval/sample_builder.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "datasets/prompt_template.hpp"

namespace sextant::harness {

namespace {

std::string group_of(const datasets::Record& r, const std::string& group_by) {
  return group_by.empty() ? std::string() : datasets::field_text(r, group_by);
}

bool reads_field(const std::string& tmpl, const std::string& name) {
  const auto fields = datasets::template_fields(tmpl);
  return std::find(fields.begin(), fields.end(), name) != fields.end();
}

}  // namespace

SampleBuilder::SampleBuilder(const DatasetConfig& dataset, const ModeConfig& mode,
                             std::vector<datasets::Record> examples, std::optional<runtime::ChatTemplate> chat,
                             bool circular)
    : dataset_(dataset), mode_(mode), examples_(std::move(examples)),
      // A plain-text mode continues the text itself: a chat template would turn it into a
      // question that the assistant answers instead of continuing.
      chat_(mode.plain_text ? std::nullopt : std::move(chat)), circular_(circular) {
  if (circular_ && (mode_.inferencer != Inferencer::Ppl || mode_.rotate.empty()))
    throw UsageError(
        fmt::format("{}:{}: circular evaluation needs a ppl mode that names the options to rotate (\"rotate\")",
                    dataset_.name, mode_.name));
  if (mode_.shots == 0) return;
  // Exemplars carry their gold answer as {gold_choice} / {gold_label} for the answer template.
  if (dataset_.gold && mode_.inferencer == Inferencer::Ppl) {
    for (auto& ex : examples_) {
      const auto choices = choices_of(ex);
      const int g = gold_index(ex, choices);
      ex.fields["gold_choice"] = choices[static_cast<std::size_t>(g)];
      ex.fields["gold_label"] = std::string(1, static_cast<char>('A' + g));
    }
  }
  for (std::size_t i = 0; i < examples_.size(); ++i) pools_[group_of(examples_[i], mode_.group_by)].rows.push_back(i);
  for (auto& [group, pool] : pools_) {
    std::vector<std::string> texts;
    for (std::size_t i : pool.rows) texts.push_back(datasets::render_template(mode_.prompt, examples_[i]));
    pool.retriever = std::make_unique<datasets::FewShotRetriever>(datasets::parse_retriever(mode_.retriever),
                                                                  std::move(texts), mode_.seed);
  }
}

std::vector<std::string> SampleBuilder::choices_of(const datasets::Record& row) const {
  if (!mode_.choices_field.empty()) return datasets::field_texts(row, mode_.choices_field);
  return mode_.choice_texts;
}

int SampleBuilder::gold_index(const datasets::Record& row, const std::vector<std::string>& choices) const {
  const GoldSpec& g = *dataset_.gold;
  const std::string answer = datasets::field_text(row, g.field);
  int index = -1;
  switch (g.kind) {
    case GoldSpec::Kind::Label: {
      const std::vector<std::string> labels = g.labels_field.empty() ? [&] {
        std::vector<std::string> l;
        for (char c : g.labels) l.emplace_back(1, c);
        return l;
      }() : datasets::field_texts(row, g.labels_field);
      const auto it = std::find(labels.begin(), labels.end(), answer);
      if (it != labels.end()) index = static_cast<int>(it - labels.begin());
      break;
    }
    case GoldSpec::Kind::Index:
      if (answer == "true" || answer == "false")
        index = answer == "true" ? 1 : 0;
      else {
        try {
          std::size_t used = 0;
          index = std::stoi(answer, &used) - g.base;
          if (used != answer.size()) index = -1;
        } catch (const std::exception&) {
          index = -1;
        }
      }
      break;
    case GoldSpec::Kind::Text: {
      const auto it = std::find(choices.begin(), choices.end(), answer);
      if (it != choices.end()) index = static_cast<int>(it - choices.begin());
      break;
    }
  }
  if (index < 0 || index >= static_cast<int>(choices.size()))
    fail("{}: field \"{}\": answer \"{}\" names none of the {} choices", row.origin, g.field, answer, choices.size());
  return index;
}

std::string SampleBuilder::exemplars_for(const datasets::Record& row, const std::string& question,
                                         std::int64_t index) const {
  if (mode_.shots == 0) return "";
  const auto it = pools_.find(group_of(row, mode_.group_by));
  if (it == pools_.end()) fail("{}: no exemplar shares its \"{}\"", row.origin, mode_.group_by);
  const Pool& pool = it->second;
  std::string text;
  for (std::size_t k :
       pool.retriever->select(question, static_cast<std::size_t>(mode_.shots), static_cast<std::uint64_t>(index))) {
    const datasets::Record& ex = examples_[pool.rows[k]];
    text += datasets::render_template(mode_.prompt, ex) + datasets::render_template(mode_.answer, ex) + mode_.separator;
  }
  return text;
}

std::string SampleBuilder::wrap(const std::string& prompt) const {
  if (!chat_) return prompt;
  return runtime::render_chat(*chat_, {{"user", prompt}}, true);
}

std::vector<PromptedSample> SampleBuilder::build(const datasets::Record& row, std::int64_t index,
                                                 datasets::BadRows& bad) const {
  try {
    if (!circular_) return {build_one(row, index)};
    // Rotation r shows option (i + r) mod n in place i; the gold option moves with it.
    const bool one_list = mode_.rotate.size() == 1;
    std::vector<nlohmann::json> options;
    if (one_list) {
      for (const auto& v : datasets::field_texts(row, mode_.rotate[0])) options.emplace_back(v);
    } else {
      for (const auto& name : mode_.rotate) options.push_back(datasets::field_value(row, name));
    }
    const int gold = gold_index(row, choices_of(row));
    std::vector<PromptedSample> out;
    for (std::size_t r = 0; r < options.size(); ++r) {
      datasets::Record rotated = row;
      nlohmann::json list = nlohmann::json::array();
      for (std::size_t i = 0; i < options.size(); ++i) {
        list.push_back(options[(i + r) % options.size()]);
        if (!one_list) rotated.fields[mode_.rotate[i]] = options[(i + r) % options.size()];
      }
      if (one_list) rotated.fields[mode_.rotate[0]] = list;
      PromptedSample s = build_one(rotated, index);
      s.gold = static_cast<int>((static_cast<std::size_t>(gold) + options.size() - r) % options.size());
      s.index = index * kCircularStride + static_cast<std::int64_t>(r);
      out.push_back(std::move(s));
    }
    return out;
  } catch (const UsageError&) {
    throw;
  } catch (const Error& e) {
    bad.report(e.what());
    return {};
  }
}

PromptedSample SampleBuilder::build_one(const datasets::Record& row, std::int64_t index) const {
  {
    PromptedSample s;
    s.index = index;
    s.row = index;
    s.record = row;
    s.chat = chat_.has_value();
    const bool per_choice_context = reads_field(mode_.prompt, "choice") || reads_field(mode_.prompt, "label");
    // A prompt that reads {choice} differs per choice; the first stands for it in retrieval.
    datasets::Record first_choice = row;
    if (per_choice_context) {
      const auto choices = choices_of(row);
      first_choice.fields["choice"] = choices.empty() ? std::string() : choices.front();
      first_choice.fields["label"] = "A";
    }
    const std::string question = datasets::render_template(mode_.prompt, first_choice);
    const std::string head = datasets::render_template(mode_.preamble, row) + exemplars_for(row, question, index);
    switch (mode_.inferencer) {
      case Inferencer::Ppl: {
        s.choice_texts = choices_of(row);
        if (s.choice_texts.empty()) fail("{}: no choices", row.origin);
        s.gold = gold_index(row, s.choice_texts);
        for (std::size_t c = 0; c < s.choice_texts.size(); ++c) {
          datasets::Record with_choice = row;
          with_choice.fields["choice"] = s.choice_texts[c];
          with_choice.fields["label"] = std::string(1, static_cast<char>('A' + c));
          std::string continuation = datasets::render_template(mode_.choice, with_choice);
          // After the assistant's turn opens, the answer starts the text: no separating space.
          if (chat_ && !continuation.empty() && continuation[0] == ' ') continuation.erase(0, 1);
          s.contexts.push_back(
              wrap(head + (per_choice_context ? datasets::render_template(mode_.prompt, with_choice) : question)));
          s.continuations.push_back(std::move(continuation));
        }
        s.prompt = s.contexts.front();
        break;
      }
      case Inferencer::Rolling:
        // The text itself: no chat template, no preamble.
        s.prompt = question;
        break;
      case Inferencer::Target:
        s.prompt = wrap(head + question);
        s.target = datasets::render_template(mode_.target, row);
        break;
      case Inferencer::Gen:
        s.prompt = wrap(head + question);
        if (!mode_.reference.empty()) s.references.push_back(datasets::render_template(mode_.reference, row));
        if (!mode_.references_field.empty()) s.references = datasets::field_texts(row, mode_.references_field);
        break;
    }
    return s;
  }
}

}  // namespace sextant::harness

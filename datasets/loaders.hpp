// Loaders of benchmark files in their upstream formats, each giving multiple-choice items.
#pragma once

#include <string>
#include <vector>

#include "datasets/multiple_choice_item.hpp"

namespace sextant::datasets {

// HellaSwag in the text form llama.cpp's llama-perplexity reads: 6 lines per task (the
// "activity_label: context" line, the gold index 0-3, the 4 endings).
std::vector<MultipleChoiceItem> load_hellaswag_text(const std::string& path);

// ARC JSONL ({"id", "question": {"stem", "choices": [{"text", "label"}]}, "answerKey"}),
// prompted as lighteval and lm-evaluation-harness do: "Question: {stem}\nAnswer:".
std::vector<MultipleChoiceItem> load_arc_jsonl(const std::string& path);

// MMLU CSV files (no header: question, A, B, C, D, answer letter) of one split folder, every
// subject in name order, in the cloze form SmolLM2's card uses: "The following are questions
// about {subject}.\nQuestion: {question}\nAnswer:" with the option texts as choices.
std::vector<MultipleChoiceItem> load_mmlu_cloze(const std::string& folder);

}  // namespace sextant::datasets

// Readers for language-labelled text: the langid JSONL of the shared corpora and Tatoeba's TSV exports.
#pragma once

#include <string>
#include <vector>

namespace sextant::trainer {

struct LabelledText {
  std::string label;  // an ISO 639-1 code where one exists ("en", "zh")
  std::string split;  // "train", "test", or empty when the file has none
  std::string text;
};

// JSON Lines with the fields "lang", "split" (optional) and "text" (fortunes_langid.jsonl).
// Errors name the file, the line and the field.
std::vector<LabelledText> read_labelled_jsonl(const std::string& path);

// Tatoeba's `id<TAB>iso639-3<TAB>sentence` rows, no header. The ISO 639-3 codes of the
// languages that also come from other sources map to their ISO 639-1 codes (cmn -> zh,
// eng -> en, ...), so that one language has one label; others are kept as they are.
std::vector<LabelledText> read_tatoeba_tsv(const std::string& path, const std::string& split);

}  // namespace sextant::trainer

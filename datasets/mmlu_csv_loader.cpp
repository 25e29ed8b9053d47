// MMLU's per-subject CSV files, in the cloze form.
#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "datasets/csv_reader.hpp"
#include "datasets/loaders.hpp"

namespace sextant::datasets {

std::vector<MultipleChoiceItem> load_mmlu_cloze(const std::string& folder) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(folder)) fail("{}: not a folder of MMLU CSV files", folder);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().extension() == ".csv") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) fail("{}: holds no .csv files", folder);
  std::vector<MultipleChoiceItem> items;
  for (const auto& file : files) {
    // "abstract_algebra_test.csv" -> "abstract algebra"
    std::string subject = file.stem().string();
    subject = subject.substr(0, subject.rfind('_'));
    std::replace(subject.begin(), subject.end(), '_', ' ');
    for (const CsvRecord& r : read_csv(file.string())) {
      if (r.fields.size() != 6) fail("{}:{}: {} fields, expected 6 (question, A, B, C, D, answer)", file.string(), r.line, r.fields.size());
      const std::string& answer = r.fields[5];
      if (answer.size() != 1 || answer[0] < 'A' || answer[0] > 'D')
        fail("{}:{}: answer \"{}\" is not A-D", file.string(), r.line, answer);
      MultipleChoiceItem item;
      item.id = file.stem().string() + ":" + std::to_string(r.line);
      item.context = "The following are questions about " + subject + ".\nQuestion: " + r.fields[0] + "\nAnswer:";
      for (int k = 1; k <= 4; ++k) item.choices.push_back(" " + r.fields[k]);
      item.gold = answer[0] - 'A';
      items.push_back(std::move(item));
    }
  }
  return items;
}

}  // namespace sextant::datasets

// Where a dataset split's rows come from: the file format, the files (relative to the data
// directory) and how the upstream fields map onto the names its templates use.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "datasets/bad_rows.hpp"
#include "datasets/record.hpp"

namespace sextant::datasets {

enum class SourceFormat {
  Jsonl,  // one JSON object per line
  Json,   // a JSON array of objects (or the array at "records_path")
  Csv,    // with a header row, or "columns" naming them
  Tsv,
  Text,           // one row per line: field "text", or aligned files (FLORES) named by field
  HellaswagText,  // llama.cpp's six-line form: context, gold index, four endings
  HellaswagJsonl, // the upstream JSONL, preprocessed as lm-evaluation-harness does into the same fields
  C3Json,         // C3's [[context lines], [{question, choice, answer}], id] documents
};

struct SourceSpec {
  SourceFormat format = SourceFormat::Jsonl;
  std::vector<std::string> paths;                         // a name may hold '*' (e.g. "mmlu/test/*_test.csv")
  std::map<std::string, std::string> text_files;          // Text: field -> file, read line by line in step
  std::vector<std::string> columns;                       // CSV/TSV without a header row
  std::string records_path;                               // Json: where the array is, as a field path
  std::string file_field;                                 // a field holding the file's name ...
  std::string file_suffix;                                // ... with this suffix (and the extension) removed
  std::map<std::string, std::string> fields;              // name -> field path into the upstream row
  std::map<std::string, std::vector<std::string>> lists;  // name -> fields gathered into a list (MMLU's A-D)
};

// Parses a "source" object of a dataset config; `where` names it in errors.
SourceSpec parse_source_spec(const nlohmann::json& j, const std::string& where);

// The files a source reads, resolved under data_dir and sorted; empty when none exists.
std::vector<std::string> source_files(const SourceSpec& spec, const std::string& data_dir);

// Every row of the source in file order, fields mapped. Malformed rows go to `bad`.
std::vector<Record> load_records(const SourceSpec& spec, const std::string& data_dir, BadRows& bad);

}  // namespace sextant::datasets
